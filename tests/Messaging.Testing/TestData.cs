using Messaging.Core.Appointments;
using Messaging.Core.Persistence;

namespace Messaging.Testing;

/// <summary>Small, fully known offices for tests: every rule the slot search honours has a visible input here.</summary>
public static class TestData
{
    public const string OfficeId = "test-office";
    public const string OtherOfficeId = "other-office";
    /// <summary>A Friday the test office is closed.</summary>
    public static readonly DateOnly ClosedFriday = new(2026, 11, 27);

    public static Office Office(string id = OfficeId, string commune = "Tịnh Hà", int cardCapacity = 2) => new()
    {
        Id = id,
        Name = $"Công an xã {commune}",
        Address = $"Trụ sở Công an xã {commune}",
        Commune = commune,
        Province = "Quảng Ngãi",
        Phone = "0255 3000 999",
        MapUrl = "https://maps.example/" + id,
        Hours =
        [
            .. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
                .SelectMany(d => new[]
                {
                    new OpeningHours { Day = d, Opens = new(7, 30), Closes = new(11, 30) },
                    new OpeningHours { Day = d, Opens = new(13, 30), Closes = new(17, 0) },
                }),
            new OpeningHours { Day = DayOfWeek.Saturday, Opens = new(7, 30), Closes = new(11, 30) },
        ],
        Closures = [new OfficeClosure { Date = ClosedFriday, Reason = "Tập huấn" }],
        Services =
        [
            new OfficeService
            {
                Name = "Căn cước",
                ProcedureIds = ["cccd-first-issue", "cccd-renewal", "cccd-reissue", "vneid-level2"],
                Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
                SlotMinutes = 15, CapacityPerSlot = cardCapacity, MinNoticeMinutes = 60, HorizonDays = 7,
            },
            new OfficeService
            {
                Name = "Cư trú",
                ProcedureIds = ["permanent-residence", "temporary-residence", "residence-confirmation"],
                SlotMinutes = 20, CapacityPerSlot = 1, MinNoticeMinutes = 60, HorizonDays = 7,
            },
        ],
    };

    public static async Task<Office> SeedAsync(MessagingDbContext db, Office? office = null)
    {
        office ??= Office();
        db.Offices.Add(office);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return office;
    }

    /// <summary>Local Vietnam time on a date, as the booking API expects slot starts.</summary>
    public static DateTimeOffset At(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(7));
}
