using Messaging.Core.Notifications;

namespace Messaging.Core.Tests;

/// <summary>Preference commands as citizens type them, with and without diacritics; ordinary questions are never taken for one.</summary>
public sealed class PreferenceCommandTests
{
    [Theory]
    [InlineData("chỉ nhận SMS", "sms")]
    [InlineData("chi nhan sms thoi", "sms")]
    [InlineData("Chỉ nhận tin nhắn", "sms")]
    [InlineData("tôi muốn chỉ nhận qua zalo", "zalo,zns")]
    [InlineData("chi nhan email", "email")]
    [InlineData("only sms", "sms")]
    public void Only_some_channels(string text, string channels) =>
        Assert.Equal(channels.Split(','), PreferenceCommands.Parse(text)!.OnlyChannels);

    [Theory]
    [InlineData("nhận qua email An.Nguyen@Gmail.com", "an.nguyen@gmail.com")]
    [InlineData("nhan thong bao qua email: an@example.vn.", "an@example.vn")]
    [InlineData("email của tôi là binh.tran@cand.gov.vn", "binh.tran@cand.gov.vn")]
    public void An_email_to_use_first(string text, string email) => Assert.Equal(email, PreferenceCommands.Parse(text)!.Email);

    [Theory]
    [InlineData("TU CHOI", true, null)]
    [InlineData("Từ chối", true, null)]
    [InlineData("từ chối sms", true, "sms")]
    [InlineData("STOP", true, null)]
    [InlineData("ĐĂNG KÝ LẠI", false, null)]
    [InlineData("dang ky lai zalo", false, "zalo")]
    [InlineData("đồng ý nhận tin", false, null)]
    public void Stop_and_resume(string text, bool stop, string? channel)
    {
        var change = PreferenceCommands.Parse(text)!;
        Assert.Equal(stop, change.OptOut);
        Assert.Equal(channel is null ? null : [channel], change.OptChannels);
    }

    [Theory]
    [InlineData("nhắn tin bằng tiếng Anh", "en")]
    [InlineData("thong bao bang tieng viet", "vi")]
    [InlineData("messages in English", "en")]
    public void The_language(string text, string locale) => Assert.Equal(locale, PreferenceCommands.Parse(text)!.Locale);

    [Theory]
    [InlineData("hủy đăng ký tạm trú cần giấy tờ gì")]
    [InlineData("huy lich hen")]
    [InlineData("chi phí làm căn cước bao nhiêu")]
    [InlineData("tôi muốn nhận kết quả qua bưu điện")]
    [InlineData("email")]
    [InlineData("nhận qua email")]
    [InlineData("tiếng Anh")]
    [InlineData("")]
    public void Ordinary_messages_are_not_commands(string text) => Assert.Null(PreferenceCommands.Parse(text));
}
