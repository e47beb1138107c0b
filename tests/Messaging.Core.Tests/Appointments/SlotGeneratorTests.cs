using Messaging.Core.Appointments;
using Messaging.Testing;

namespace Messaging.Core.Tests.Appointments;

public sealed class SlotGeneratorTests
{
    private static readonly Office Office = WithIds(TestData.Office());
    private static readonly OfficeService Cards = Office.Services[0];
    private static readonly OfficeService Residence = Office.Services[1];
    private static readonly DateTimeOffset Now = TestDatabase.DefaultNow; // Tue 24/11/2026 09:00

    private static Office WithIds(Office o)
    {
        for (var i = 0; i < o.Services.Count; i++) o.Services[i].Id = i + 1;
        return o;
    }

    [Fact]
    public void A_full_weekday_has_both_sessions_cut_into_slots()
    {
        var slots = SlotGenerator.Regular(Office, Cards, new DateOnly(2026, 11, 25), Now).ToList();
        Assert.Equal(16 + 14, slots.Count); // 07:30–11:30 and 13:30–17:00 in 15 minutes
        Assert.Equal(TestData.At(2026, 11, 25, 7, 30), slots[0].Start);
        Assert.Equal(TestData.At(2026, 11, 25, 11, 15), slots[15].Start);
        Assert.Equal(TestData.At(2026, 11, 25, 13, 30), slots[16].Start);
        Assert.Equal(TestData.At(2026, 11, 25, 17, 0), slots[^1].End);
        Assert.All(slots, s => Assert.Equal(2, s.Capacity));
    }

    [Fact]
    public void Minimum_notice_hides_slots_starting_too_soon_today()
    {
        var slots = SlotGenerator.Regular(Office, Cards, new DateOnly(2026, 11, 24), Now).ToList();
        Assert.Equal(TestData.At(2026, 11, 24, 10, 0), slots[0].Start); // 09:00 + 60 min notice
    }

    [Fact]
    public void A_closed_date_has_no_slots() =>
        Assert.Empty(SlotGenerator.Regular(Office, Cards, TestData.ClosedFriday, Now));

    [Fact]
    public void Weekday_rules_are_per_service()
    {
        var saturday = new DateOnly(2026, 11, 28);
        Assert.Empty(SlotGenerator.Regular(Office, Cards, saturday, Now));
        var residence = SlotGenerator.Regular(Office, Residence, saturday, Now).ToList();
        Assert.Equal(12, residence.Count); // 07:30–11:30 in 20 minutes
    }

    [Fact]
    public void No_slots_on_sunday_or_outside_the_horizon_or_in_the_past()
    {
        Assert.Empty(SlotGenerator.Regular(Office, Residence, new DateOnly(2026, 11, 29), Now));
        Assert.NotEmpty(SlotGenerator.Regular(Office, Cards, new DateOnly(2026, 12, 1), Now)); // today + 7
        Assert.Empty(SlotGenerator.Regular(Office, Cards, new DateOnly(2026, 12, 2), Now));    // today + 8
        Assert.Empty(SlotGenerator.Regular(Office, Cards, new DateOnly(2026, 11, 23), Now));
    }

    [Fact]
    public void Session_slots_ignore_closures_and_are_keyed_by_position()
    {
        var session = new Session
        {
            Id = Guid.NewGuid(), OfficeId = Office.Id, ServiceId = Cards.Id, Kind = SessionKind.Mobile,
            Title = "Lưu động", Place = "Nhà văn hóa", CapacityPerSlot = 5, Status = SessionStatus.Scheduled,
            Start = TestData.At(2026, 11, 27, 18, 0), End = TestData.At(2026, 11, 27, 19, 0),
        };
        var slots = SlotGenerator.ForSession(session, Cards, Now).ToList();
        Assert.Equal(4, slots.Count);
        Assert.All(slots, s => Assert.Equal(5, s.Capacity));
        Assert.Equal(SlotGenerator.SessionKey(session.Id, 3), slots[3].SlotKey);

        session.Start = session.Start.AddHours(1);
        session.End = session.End.AddHours(1);
        Assert.Equal(slots.Select(s => s.SlotKey), SlotGenerator.ForSession(session, Cards, Now).Select(s => s.SlotKey));

        session.Status = SessionStatus.Cancelled;
        Assert.Empty(SlotGenerator.ForSession(session, Cards, Now));
    }
}
