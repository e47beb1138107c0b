using Messaging.Language.Entities;

namespace Messaging.Language.Tests;

/// <summary>Every written form the recognizers promise, with and without diacritics, and the traps.</summary>
public sealed class DateRecognizerTests
{
    // Reference: Monday 23/11/2026.
    [Theory]
    [InlineData("hôm nay", "2026-11-23")]
    [InlineData("hom nay", "2026-11-23")]
    [InlineData("ngày mai", "2026-11-24")]
    [InlineData("mai", "2026-11-24")]
    [InlineData("sáng mai", "2026-11-24")]
    [InlineData("ngày kia", "2026-11-25")]
    [InlineData("ngày mốt", "2026-11-25")]
    [InlineData("mốt", "2026-11-25")]
    [InlineData("hôm qua", "2026-11-22")]
    [InlineData("thứ hai", "2026-11-23")]
    [InlineData("thứ ba", "2026-11-24")]
    [InlineData("thứ tư", "2026-11-25")]
    [InlineData("thu tu", "2026-11-25")]
    [InlineData("thứ năm", "2026-11-26")]
    [InlineData("thứ sáu", "2026-11-27")]
    [InlineData("thứ bảy", "2026-11-28")]
    [InlineData("chủ nhật", "2026-11-29")]
    [InlineData("chu nhat", "2026-11-29")]
    [InlineData("thứ 2", "2026-11-23")]
    [InlineData("thứ 7", "2026-11-28")]
    [InlineData("t2", "2026-11-23")]
    [InlineData("t5", "2026-11-26")]
    [InlineData("t7", "2026-11-28")]
    [InlineData("cn", "2026-11-29")]
    [InlineData("thứ 6 tuần sau", "2026-12-04")]
    [InlineData("thu 6 tuan toi", "2026-12-04")]
    [InlineData("chủ nhật tuần sau", "2026-12-06")]
    [InlineData("thứ 2 tuần này", "2026-11-23")]
    [InlineData("thứ 3 tuần sau nữa", "2026-12-08")]
    [InlineData("25/12", "2026-12-25")]
    [InlineData("5/1", "2027-01-05")]
    [InlineData("25/12/2027", "2027-12-25")]
    [InlineData("25-12", "2026-12-25")]
    [InlineData("25-12-2026", "2026-12-25")]
    [InlineData("1/12/26", "2026-12-01")]
    [InlineData("20/11", "2026-11-20")]
    [InlineData("ngày 5 tháng 12", "2026-12-05")]
    [InlineData("ngay 5 thang 12 nam 2027", "2027-12-05")]
    [InlineData("5 tháng 12", "2026-12-05")]
    [InlineData("mùng 5", "2026-12-05")]
    [InlineData("mung 28", "2026-11-28")]
    [InlineData("ngày 30", "2026-11-30")]
    [InlineData("hôm thứ 3 tôi nộp hồ sơ", "2026-11-17")]
    [InlineData("hom chu nhat", "2026-11-22")]
    [InlineData("hôm thứ 2", "2026-11-23")]
    [InlineData("thứ 3 tuần trước", "2026-11-17")]
    [InlineData("ngày 5 tháng sau", "2026-12-05")]
    [InlineData("ngay 28 thang truoc", "2026-10-28")]
    [InlineData("ngày 30 tháng này", "2026-11-30")]
    [InlineData("3 ngày nữa", "2026-11-26")]
    [InlineData("hẹn ngày 20.12.2026", "2026-12-20")]
    [InlineData("sinh ngày 15 tháng 3 năm 1985", "1985-03-15")]
    [InlineData("cấp ngày 12/5/1998", "1998-05-12")]
    [InlineData("sinh 15/3/85", "1985-03-15")]
    [InlineData("thứ năm ngày 26/11", "2026-11-26")]
    [InlineData("thu 7, 28/11 lam cccd", "2026-11-28")]
    [InlineData("thứ 6 ngày 27 tháng 11", "2026-11-27")]
    [InlineData("ngày mười lăm tháng ba buổi sáng", "2027-03-15")]
    [InlineData("ngay hai muoi lam thang muoi hai", "2026-12-25")]
    [InlineData("ngày một tháng hai", "2027-02-01")]
    [InlineData("ngày 8 March", "2027-03-08")]
    [InlineData("ngày 5 tháng sáu", "2027-06-05")]
    [InlineData("ngày mười tháng tư", "2027-04-10")]
    [InlineData("ngày mười lăm tháng sau", "2026-12-15")]
    [InlineData("on March 8", "2027-03-08")]
    [InlineData("reschedule to 9am March 2 pls", "2027-03-02")]
    [InlineData("December 1st", "2026-12-01")]
    [InlineData("8 March 2027", "2027-03-08")]
    [InlineData("the 15th of december", "2026-12-15")]
    [InlineData("May 5", "2027-05-05")]
    public void Forms(string text, string expected) => Assert.Equal(expected, Model.Single(text, EntityTypes.Date));

    [Fact]
    public void A_week_gone_by_is_how_long_ago_not_a_date() =>
        Assert.Empty(Model.Values("hồ sơ em nộp tuần trước giờ có chưa", EntityTypes.Date));

    [Fact]
    public void A_weekday_on_that_same_day_is_today_and_weeks_start_on_monday()
    {
        var sunday = new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.FromHours(7));
        Assert.Equal("2026-11-29", Model.Single("chủ nhật", EntityTypes.Date, sunday));
        Assert.Equal("2026-11-30", Model.Single("thứ 2", EntityTypes.Date, sunday));
        Assert.Equal("2026-11-27", Model.Single("thứ 6 tuần này", EntityTypes.Date, sunday)); // already past: still this week
        Assert.Equal("2026-12-04", Model.Single("thứ 6 tuần sau", EntityTypes.Date, sunday));
    }

    [Fact]
    public void The_reference_time_is_read_in_vietnam_time()
    {
        // 20:00 UTC on the 23rd is 03:00 on the 24th in Hà Nội.
        var utcEvening = new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);
        Assert.Equal("2026-11-25", Model.Single("ngày mai", EntityTypes.Date, utcEvening));
    }

    [Theory]
    [InlineData("31/02")]
    [InlineData("30/2/2027")]
    [InlineData("32/12")]
    [InlineData("12/13")]
    [InlineData("ngày 31 tháng 2")]
    [InlineData("mãi mãi")]
    [InlineData("hoa mai")]
    [InlineData("chị Mai ơi")]
    [InlineData("tên tôi là Trần Thị Mai")]
    [InlineData("email của tôi")]
    [InlineData("maison")]
    [InlineData("lấy số thứ tự")]
    [InlineData("so thu tu")]
    [InlineData("lần thứ hai")]
    [InlineData("một người")]
    [InlineData("mot nguoi")]
    [InlineData("lệ phí 1.500.000 đồng")]
    [InlineData("bản 2.1.2026a")]
    [InlineData("may 5 cai ghe")]
    [InlineData("5 tháng sau mới có thẻ")]
    [InlineData("ngày hai bữa")]
    // Months counted, lunar months, a year nobody means, "một mình".
    [InlineData("con tôi bị phạt 6 tháng tù, làm lý lịch tư pháp được không")]
    [InlineData("tạm trú 6 tháng một lần phải gia hạn à")]
    [InlineData("mùng một tháng giêng")]
    [InlineData("ngày ba mươi mốt tháng chạp")]
    [InlineData("ngày 1 tháng 1 năm 1800")]
    [InlineData("mot minh em di lam can cuoc duoc khong")]
    public void Not_dates(string text) => Assert.Empty(Model.Values(text, EntityTypes.Date));

    [Fact]
    public void A_date_inside_a_dossier_code_or_a_phone_is_not_read_again()
    {
        var r = Model.Parse("hồ sơ 000.00.12.H55-240930-0101, sđt 0912-345-678");
        Assert.DoesNotContain(r.Entities, e => e.Type == EntityTypes.Date);
        Assert.Single(r.Entities, e => e.Type == EntityTypes.DossierCode);
        Assert.Single(r.Entities, e => e.Type == EntityTypes.Phone);
    }

    [Theory]
    [InlineData("tuần này", "2026-11-23", "2026-11-29")]
    [InlineData("tuần sau", "2026-11-30", "2026-12-06")]
    [InlineData("tuan toi", "2026-11-30", "2026-12-06")]
    [InlineData("tuần sau nữa", "2026-12-07", "2026-12-13")]
    [InlineData("next week", "2026-11-30", "2026-12-06")]
    public void A_week_is_a_range_not_a_day(string text, string from, string until)
    {
        var week = Model.Entity(text, EntityTypes.Week);
        Assert.Equal(from, week.Value);
        Assert.Equal("until " + until, week.Detail);
        Assert.DoesNotContain(Model.Parse(text).Entities, e => e.Type == EntityTypes.Date);
    }

    [Fact]
    public void A_day_named_beside_its_week_leaves_no_week()
    {
        var entities = Model.Parse("ở nhà tới hết tuần sau, hẹn thứ 5 tuần sau nhé").Entities;
        Assert.Single(entities, e => e.Type == EntityTypes.Date && e.Value == "2026-12-03");
        Assert.DoesNotContain(entities, e => e.Type == EntityTypes.Week);
    }
}

public sealed class TimeRecognizerTests
{
    [Theory]
    [InlineData("8h", "08:00")]
    [InlineData("8h30", "08:30")]
    [InlineData("8 h 30", "08:30")]
    [InlineData("8g30", "08:30")]
    [InlineData("8:30", "08:30")]
    [InlineData("7h kém 15 sáng", "06:45")]
    [InlineData("7 giờ kém 15", "06:45")]
    [InlineData("2 giờ kém 10 chiều", "13:50")]
    [InlineData("8g kem 5", "07:55")]
    [InlineData("8 giờ 30", "08:30")]
    [InlineData("8 gio 30 phut", "08:30")]
    [InlineData("8 rưỡi", "08:30")]
    [InlineData("8 giờ rưỡi", "08:30")]
    [InlineData("8h ruoi", "08:30")]
    [InlineData("9 giờ kém 15", "08:45")]
    [InlineData("2 giờ chiều", "14:00")]
    [InlineData("2h chieu", "14:00")]
    [InlineData("chiều 2h", "14:00")]
    [InlineData("7 giờ tối", "19:00")]
    [InlineData("12 giờ trưa", "12:00")]
    [InlineData("1 giờ trưa", "13:00")]
    [InlineData("10h sáng", "10:00")]
    [InlineData("2h", "14:00")]   // no office opens at 2 a.m.
    [InlineData("14h15", "14:15")]
    [InlineData("lúc 7g45", "07:45")]
    public void Forms(string text, string expected) => Assert.Equal(expected, Model.Single(text, EntityTypes.Time));

    [Theory]
    [InlineData("sáng mai", "morning")]
    [InlineData("buổi trưa", "noon")]
    [InlineData("chiều nay", "afternoon")]
    [InlineData("tối nay", "evening")]
    [InlineData("sang mai", "morning")]
    [InlineData("chieu thu 6", "afternoon")]
    [InlineData("buoi toi", "evening")]
    public void Parts_of_day(string text, string expected) => Assert.Equal(expected, Model.Single(text, EntityTypes.PartOfDay));

    [Theory]
    [InlineData("toi muon dat lich")]      // tôi: I
    [InlineData("cua toi")]
    [InlineData("doi lich sang thu 5")]    // sang: over to
    [InlineData("dời lịch sang thứ 5")]
    [InlineData("làm hộ chiếu")]           // chiếu
    [InlineData("lam ho chieu")]
    [InlineData("đem theo giấy tờ")]
    public void Not_parts_of_day(string text) => Assert.Empty(Model.Values(text, EntityTypes.PartOfDay));

    [Theory]
    [InlineData("25h")]
    [InlineData("8:75")]
    [InlineData("8h kém 45")]
    [InlineData("8 hồ sơ")]
    [InlineData("0912345678")]
    public void Not_times(string text) => Assert.Empty(Model.Values(text, EntityTypes.Time));
}

public sealed class NumberRecognizerTests
{
    [Theory]
    [InlineData("0912 345 678", "0912345678")]
    [InlineData("sđt 0912.345.678 nhé", "0912345678")]
    [InlineData("+84 912345678", "0912345678")]
    [InlineData("84912345678", "0912345678")]
    [InlineData("số em 0912-345-678", "0912345678")]
    [InlineData("01662345678", "0362345678")]
    [InlineData("gọi 0987654321 hoặc", "0987654321")]
    public void Phones(string text, string expected) => Assert.Equal(expected, Model.Single(text, EntityTypes.Phone));

    [Fact]
    public void Two_numbers_in_a_row_are_two_phones() =>
        Assert.Equal(["0912345678", "0987654321"], Model.Values("0912 345 678 0987 654 321", EntityTypes.Phone));

    [Theory]
    [InlineData("0241234567")]   // landline
    [InlineData("0951234567")]   // not a mobile prefix
    [InlineData("091234567")]
    [InlineData("12345")]
    public void Not_phones(string text) => Assert.Empty(Model.Values(text, EntityTypes.Phone));

    [Theory]
    [InlineData("051090001234", "051090001234")]
    [InlineData("số căn cước 051 090 001 234", "051090001234")]
    public void Citizen_ids(string text, string expected) => Assert.Equal(expected, Model.Single(text, EntityTypes.CitizenId));

    [Fact]
    public void Nine_digit_numbers_are_legacy_ids_and_bad_province_codes_are_not_ids()
    {
        var legacy = Model.Entity("cmnd cũ 212345678", EntityTypes.CitizenId);
        Assert.Equal(("212345678", "legacy"), (legacy.Value, legacy.Detail));
        Assert.Empty(Model.Values("003090001234", EntityTypes.CitizenId));
    }

    [Theory]
    [InlineData("000.00.12.H55-240930-0101", "000.00.12.H55-240930-0101")]
    [InlineData("hs 000.00.12.h55-240930-0101 xong chưa", "000.00.12.H55-240930-0101")]
    [InlineData("000.00.12.H55 - 240930 - 0101", "000.00.12.H55-240930-0101")]
    public void Dossier_codes(string text, string expected)
    {
        Assert.Equal(expected, Model.Single(text, EntityTypes.DossierCode));
        var e = Model.Entity(text, EntityTypes.DossierCode);
        Assert.StartsWith("000", text[e.Start..e.End]);
    }
}

public sealed class GazetteerTests
{
    [Theory]
    [InlineData("đổi căn cước", "cccd-renewal")]
    [InlineData("doi cccd", "cccd-renewal")]
    [InlineData("làm lại cccd", "cccd-reissue")]
    [InlineData("mat can cuoc", "cccd-reissue")]
    [InlineData("đăng ký thường trú", "permanent-residence")]
    [InlineData("đk tạm trú", "temporary-residence")]
    [InlineData("lltp", "judicial-record")]
    [InlineData("Cấp hộ chiếu phổ thông ở trong nước", "passport")]
    [InlineData("kich hoat vneid", "vneid-level2")]
    [InlineData("mẫu CT07", "residence-confirmation")]
    [InlineData("doi cmnd sang can cuoc", "cccd-renewal")]
    public void Procedures(string text, string id) => Assert.Equal(id, Model.Single(text, EntityTypes.Procedure));

    [Theory]
    [InlineData("xã Tịnh Hà", "ca-xa-tinh-ha")]
    [InlineData("tinh ha", "ca-xa-tinh-ha")]
    [InlineData("công an xã Tịnh Hà", "ca-xa-tinh-ha")]
    [InlineData("tt Trà Xuân", "ca-xa-tra-bong")]
    [InlineData("thi tran tra xuan", "ca-xa-tra-bong")]
    [InlineData("p. Cẩm Thành", "ca-phuong-cam-thanh")]
    [InlineData("phòng xuất nhập cảnh", "ca-tinh-qng-xnc")]
    public void Offices(string text, string id) => Assert.Equal(id, Model.Single(text, EntityTypes.Office));

    [Fact]
    public void Spans_point_at_the_words_as_typed()
    {
        const string text = "Đặt lịch ĐỔI CCCD ở xã Tịnh Hà nhé";
        var procedure = Model.Entity(text, EntityTypes.Procedure);
        var office = Model.Entity(text, EntityTypes.Office);
        Assert.Equal("ĐỔI CCCD", text[procedure.Start..procedure.End]);
        Assert.Equal("xã Tịnh Hà", text[office.Start..office.End]);
    }
}
