using Messaging.Core.Appointments;
using Messaging.Core.Dossiers;
using Messaging.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Seeding;

/// <summary>
/// Demo offices in Quảng Ngãi, their services, a mobile ID-card session and a dozen dossiers. Addresses and phone
/// numbers are illustrative, not the real stations'. Seeded once: a marker row makes restarts a no-op.
/// </summary>
public static class DemoData
{
    public const string Marker = "demo-data-v1";
    public const string DemoDossierCode = "000.00.12.H55-240930-0101";

    public static async Task<bool> SeedAsync(MessagingDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await db.SeedMarkers.AnyAsync(m => m.Name == Marker, ct)) return false;
        var now = time.GetUtcNow();
        await using var tx = await db.BeginWriteAsync(ct);
        db.SeedMarkers.Add(new SeedMarker { Name = Marker, AppliedAt = now });
        var offices = Offices();
        db.Offices.AddRange(offices);
        await db.SaveChangesAsync(ct);

        var tinhHaCards = offices[0].Services[0];
        var firstSaturday = NextWeekday(OfficeTime.LocalDate(now, null).AddDays(3), DayOfWeek.Saturday);
        db.Sessions.Add(new Session
        {
            Id = Guid.CreateVersion7(now),
            OfficeId = offices[0].Id,
            ServiceId = tinhHaCards.Id,
            Kind = SessionKind.Mobile,
            Title = "Cấp căn cước lưu động",
            Place = "Nhà văn hóa thôn Phú Sơn, xã Tịnh Hà",
            Start = OfficeTime.At(firstSaturday, new TimeOnly(7, 30), null),
            End = OfficeTime.At(firstSaturday, new TimeOnly(11, 0), null),
            CapacityPerSlot = 4,
            Status = SessionStatus.Scheduled,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        });
        var wardCards = offices[2].Services[0];
        var evening = NextWeekday(OfficeTime.LocalDate(now, null).AddDays(2), DayOfWeek.Wednesday);
        db.Sessions.Add(new Session
        {
            Id = Guid.CreateVersion7(now.AddTicks(1)),
            OfficeId = offices[2].Id,
            ServiceId = wardCards.Id,
            Kind = SessionKind.Extra,
            Title = "Làm căn cước ngoài giờ buổi tối",
            Place = "Trụ sở Công an phường Cẩm Thành",
            Start = OfficeTime.At(evening, new TimeOnly(17, 30), null),
            End = OfficeTime.At(evening, new TimeOnly(20, 0), null),
            CapacityPerSlot = 2,
            Status = SessionStatus.Scheduled,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        });
        db.Dossiers.AddRange(Dossiers(now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static DateOnly NextWeekday(DateOnly from, DayOfWeek day)
    {
        while (from.DayOfWeek != day) from = from.AddDays(1);
        return from;
    }

    /// <summary>The demo office directory; also the office gazetteer of the language evaluation.</summary>
    public static List<Office> Offices()
    {
        var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
        List<OpeningHours> Hours(bool saturdayMorning)
        {
            var list = weekdays.SelectMany(d => new[]
            {
                new OpeningHours { Day = d, Opens = new(7, 30), Closes = new(11, 30) },
                new OpeningHours { Day = d, Opens = new(13, 30), Closes = new(17, 0) },
            }).ToList();
            if (saturdayMorning) list.Add(new OpeningHours { Day = DayOfWeek.Saturday, Opens = new(7, 30), Closes = new(11, 30) });
            return list;
        }
        List<OfficeClosure> Holidays() =>
        [
            new() { Date = new(2026, 1, 1), Reason = "Tết Dương lịch" },
            new() { Date = new(2026, 4, 30), Reason = "Ngày Giải phóng miền Nam" },
            new() { Date = new(2026, 5, 1), Reason = "Quốc tế Lao động" },
            new() { Date = new(2026, 9, 1), Reason = "Quốc khánh" },
            new() { Date = new(2026, 9, 2), Reason = "Quốc khánh" },
            new() { Date = new(2027, 1, 1), Reason = "Tết Dương lịch" },
            .. Enumerable.Range(4, 6).Select(d => new OfficeClosure { Date = new(2027, 2, d), Reason = "Tết Nguyên đán (dự kiến, cần xác nhận)" }),
            new() { Date = new(2027, 4, 16), Reason = "Giỗ Tổ Hùng Vương (dự kiến)" },
            new() { Date = new(2027, 4, 30), Reason = "Ngày Giải phóng miền Nam" },
            new() { Date = new(2027, 5, 1), Reason = "Quốc tế Lao động" },
        ];
        OfficeService Cards(int capacity) => new()
        {
            Name = "Căn cước và định danh điện tử",
            ProcedureIds = ["cccd-first-issue", "cccd-renewal", "cccd-reissue", "vneid-level2"],
            Weekdays = [.. weekdays],
            SlotMinutes = 15,
            CapacityPerSlot = capacity,
            MinNoticeMinutes = 60,
            HorizonDays = 14,
        };
        OfficeService Residence() => new()
        {
            Name = "Cư trú",
            ProcedureIds = ["permanent-residence", "temporary-residence", "residence-confirmation"],
            SlotMinutes = 20,
            CapacityPerSlot = 2,
            MinNoticeMinutes = 60,
            HorizonDays = 14,
        };

        return
        [
            new Office
            {
                Id = "ca-xa-tinh-ha", Name = "Công an xã Tịnh Hà", Commune = "Tịnh Hà", LegacyDistrict = "huyện Sơn Tịnh",
                Province = "Quảng Ngãi", Address = "Trụ sở Công an xã Tịnh Hà, xã Tịnh Hà, tỉnh Quảng Ngãi",
                Phone = "0255 3000 101", MapUrl = "https://www.google.com/maps/search/?api=1&query=C%C3%B4ng+an+x%C3%A3+T%E1%BB%8Bnh+H%C3%A0",
                Hours = Hours(saturdayMorning: true), Closures = Holidays(), Services = [Cards(3), Residence()],
            },
            new Office
            {
                // Since 1 July 2025 the former town of Trà Xuân and its neighbours are the commune of Trà Bồng: citizens
                // still say "Trà Xuân", so the old name stays an alias.
                Id = "ca-xa-tra-bong", Name = "Công an xã Trà Bồng", Commune = "Trà Bồng", LegacyDistrict = "huyện Trà Bồng",
                Province = "Quảng Ngãi", Address = "Trụ sở Công an xã Trà Bồng, tỉnh Quảng Ngãi",
                Aliases = ["trà xuân", "thị trấn trà xuân", "công an trà xuân", "công an thị trấn trà xuân"],
                Phone = "0255 3000 102", MapUrl = "https://www.google.com/maps/search/?api=1&query=C%C3%B4ng+an+x%C3%A3+Tr%C3%A0+B%E1%BB%93ng",
                Hours = Hours(saturdayMorning: false), Closures = Holidays(), Services = [Cards(2), Residence()],
            },
            new Office
            {
                Id = "ca-phuong-cam-thanh", Name = "Công an phường Cẩm Thành", Commune = "Cẩm Thành",
                Province = "Quảng Ngãi", Address = "Trụ sở Công an phường Cẩm Thành, tỉnh Quảng Ngãi",
                Phone = "0255 3000 103", MapUrl = "https://www.google.com/maps/search/?api=1&query=C%C3%B4ng+an+ph%C6%B0%E1%BB%9Dng+C%E1%BA%A9m+Th%C3%A0nh",
                Hours = Hours(saturdayMorning: true), Closures = Holidays(), Services = [Cards(4), Residence()],
            },
            new Office
            {
                // A bare "công an tỉnh" is the provincial police as a whole (judicial records, driving licences), not
                // this department; with the province's name it is the one provincial unit in the demo.
                Id = "ca-tinh-qng-xnc", Name = "Phòng Quản lý xuất nhập cảnh, Công an tỉnh Quảng Ngãi", Commune = "Cẩm Thành",
                Province = "Quảng Ngãi", Address = "Phòng Quản lý xuất nhập cảnh, Công an tỉnh Quảng Ngãi",
                Phone = "0255 3000 200",
                Aliases = ["phòng xuất nhập cảnh", "phòng quản lý xuất nhập cảnh", "xuất nhập cảnh tỉnh", "phòng xnc", "qlxnc", "phòng qlxnc", "phòng quản lý xnc", "công an tỉnh quảng ngãi",
                    "xuất nhập cảnh", "xnc", "xnc tỉnh", "xuất nhập cảnh quảng ngãi", "phòng pa08", "immigration office", "quang ngai immigration office", "quang ngai immigration"], MapUrl = "https://www.google.com/maps/search/?api=1&query=Ph%C3%B2ng+Qu%E1%BA%A3n+l%C3%BD+xu%E1%BA%A5t+nh%E1%BA%ADp+c%E1%BA%A3nh+Qu%E1%BA%A3ng+Ng%C3%A3i",
                Hours = Hours(saturdayMorning: true), Closures = Holidays(),
                Services =
                [
                    new OfficeService { Name = "Hộ chiếu", ProcedureIds = ["passport"], SlotMinutes = 15, CapacityPerSlot = 3, MinNoticeMinutes = 120, HorizonDays = 21 },
                ],
            },
        ];
    }

    private static IEnumerable<Dossier> Dossiers(DateTimeOffset now)
    {
        (string Code, string Procedure, string Office, string Name, string Phone, string? Id, DossierStatus Status, int AgeDays)[] rows =
        [
            (DemoDossierCode, "cccd-renewal", "ca-xa-tinh-ha", "Nguyễn Văn An", "0912345678", "051090001234", DossierStatus.ReadyForPickup, 6),
            ("000.00.12.H55-261110-0003", "permanent-residence", "ca-xa-tinh-ha", "Trần Thị Bình", "0905111222", "051185004321", DossierStatus.Processing, 4),
            ("000.00.12.H55-261112-0007", "temporary-residence", "ca-xa-tinh-ha", "Lê Văn Cường", "0987654321", null, DossierStatus.Received, 2),
            ("000.00.12.H55-261105-0012", "residence-confirmation", "ca-xa-tinh-ha", "Phạm Thị Dung", "0378123456", null, DossierStatus.Returned, 9),
            ("000.00.12.H55-261103-0002", "permanent-residence", "ca-xa-tinh-ha", "Hoàng Văn Em", "0833222111", "051095007777", DossierStatus.NeedsSupplement, 11),
            ("000.00.14.H55-261109-0021", "cccd-reissue", "ca-xa-tra-bong", "Đinh Thị Gấm", "0966555444", "051300001111", DossierStatus.Processing, 5),
            ("000.00.14.H55-261101-0015", "temporary-residence", "ca-xa-tra-bong", "Hồ Văn Hải", "0708999888", null, DossierStatus.Rejected, 13),
            ("000.00.14.H55-261113-0004", "cccd-renewal", "ca-xa-tra-bong", "Võ Thị Hoa", "0522333444", "051170002468", DossierStatus.ReadyForPickup, 8),
            ("000.00.01.H55-261114-0030", "passport", "ca-tinh-qng-xnc", "Bùi Văn Khánh", "0944777666", "051092003579", DossierStatus.Processing, 3),
            ("000.00.01.H55-261115-0031", "passport", "ca-tinh-qng-xnc", "Ngô Thị Lan", "0868111333", null, DossierStatus.Received, 1),
            ("000.00.20.H55-261111-0009", "cccd-first-issue", "ca-phuong-cam-thanh", "Đặng Minh Long", "0399888777", "051210009999", DossierStatus.ReadyForPickup, 7),
            ("000.00.20.H55-261116-0011", "residence-confirmation", "ca-phuong-cam-thanh", "Mai Thị Ngọc", "0888444555", null, DossierStatus.Processing, 1),
        ];
        foreach (var r in rows)
        {
            var received = now.AddDays(-r.AgeDays);
            var d = new Dossier
            {
                Code = r.Code, ProcedureId = r.Procedure, OfficeId = r.Office, ApplicantName = r.Name, Phone = r.Phone,
                CitizenId = r.Id, Status = r.Status, ReceivedAt = received, UpdatedAt = now.AddHours(-2), Version = 1,
                ExpectedResultDate = OfficeTime.LocalDate(received, null).AddDays(9),
            };
            d.History.Add(new DossierEvent { Status = DossierStatus.Received, At = received, By = "demo" });
            if (r.Status != DossierStatus.Received)
            {
                d.History.Add(new DossierEvent { Status = DossierStatus.Processing, At = received.AddDays(1), By = "demo" });
            }
            if (r.Status is not (DossierStatus.Received or DossierStatus.Processing))
            {
                d.History.Add(new DossierEvent { Status = r.Status, At = now.AddHours(-2), By = "demo", Note = NoteFor(r.Status) });
            }
            yield return d;
        }
    }

    private static string? NoteFor(DossierStatus s) => s switch
    {
        DossierStatus.ReadyForPickup => "Mời công dân mang theo giấy hẹn trả kết quả khi đến nhận.",
        DossierStatus.NeedsSupplement => "Bổ sung hợp đồng thuê nhà đã công chứng.",
        DossierStatus.Rejected => "Chỗ ở không đáp ứng điều kiện diện tích tối thiểu.",
        DossierStatus.Returned => "Đã trả kết quả trực tiếp.",
        _ => null,
    };
}
