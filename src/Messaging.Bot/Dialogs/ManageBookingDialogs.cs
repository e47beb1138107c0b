using System.Globalization;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Bot.Dialogs;

/// <summary>
/// Finds the booking a citizen means: their own active bookings on this channel, or a booking code plus the phone
/// it was made with. A wrong code and a wrong phone get the same answer.
/// </summary>
internal static class BookingFinder
{
    /// <returns>The booking, or null when a question was asked or the search ended.</returns>
    public static async Task<Booking?> FindAsync(TurnContext t, DialogFrame f, string verb, CancellationToken ct)
    {
        var bookings = t.Service<BookingService>();
        if (PromptAnswers.BookingCodeIn(t.Text) is { } typed && f.Get("code") is null) f.Set("code", typed);
        if (t.Entity(EntityTypes.Phone) is { } p) f.Set("phone", p);

        if (f.Get("code") is { } code)
        {
            var booking = await bookings.GetByCodeAsync(code, ct);
            var mine = booking is not null && booking.Channel == t.ChannelId && booking.ChannelUserId == t.UserId;
            if (!mine && f.Get("phone") is null)
            {
                await t.PromptAsync(f, "phone", PromptKind.Phone, "bot/manage.ask-phone", new { code }, ct: ct);
                return null;
            }
            if (booking is null || (!mine && booking.Phone != f.Get("phone")) || !booking.IsActiveAt(t.Now))
            {
                await t.SayAsync("bot/manage.not-found", actions: Menu.Actions(t.Locale), ct: ct);
                f.Set("done", "1");
                return null;
            }
            return booking;
        }

        var own = await bookings.FindActiveByChannelAsync(t.ChannelId, t.UserId, ct);
        if (own.Count == 1) return own[0];
        if (own.Count > 1)
        {
            var catalog = t.Service<ProcedureCatalog>();
            await t.PromptAsync(f, "code", PromptKind.Choice, "bot/manage.choose", new { verb },
                own.Select(b => new Choice(b.Code, string.Create(CultureInfo.InvariantCulture, $"{OfficeTime.ToLocal(b.Start, null):HH:mm dd/MM} · {(catalog.Find(b.ProcedureId) is { } p ? ProcedureText.Title(p, t.Locale) : b.ProcedureId)}"))).ToList(), ct: ct);
            return null;
        }
        await t.PromptAsync(f, "code", PromptKind.BookingCode, "bot/manage.ask-code", new { verb }, ct: ct);
        return null;
    }

    public static async Task<object> DescribeAsync(TurnContext t, Booking b, CancellationToken ct)
    {
        var office = await t.Service<MessagingDbContext>().Offices.AsNoTracking().FirstAsync(o => o.Id == b.OfficeId, ct);
        return new
        {
            code = b.Code,
            queue_number = Messaging.Core.FrontDesk.QueueLabel.Format(office.QueuePrefix, b.QueueNumber),
            start = b.Start.ToString("O"),
            procedure = t.Service<ProcedureCatalog>().Find(b.ProcedureId) is { } p ? ProcedureText.Title(p, t.Locale) : b.ProcedureId,
            office = OfficeNames.For(office.Name, t.Locale),
        };
    }
}

public sealed class CancelDialog : Dialog
{
    public override string Name => DialogNames.Cancel;

    public override async Task<bool> ContinueAsync(TurnContext t, DialogFrame f, CancellationToken ct)
    {
        var booking = await BookingFinder.FindAsync(t, f, "cancel", ct);
        if (booking is null) return f.Get("done") is not null;
        var described = await BookingFinder.DescribeAsync(t, booking, ct);
        switch (f.Get("confirm"))
        {
            case null:
                f.Set("code", booking.Code);
                await t.PromptAsync(f, "confirm", PromptKind.Confirm, "bot/cancel.confirm", new { booking = described },
                    [new("yes", t.Locale == "en" ? "Yes, cancel it" : "Đồng ý hủy"), new("no", t.Locale == "en" ? "Keep it" : "Giữ lịch")], ct: ct);
                return false;
            case "no":
                await t.SayAsync("bot/cancel.kept", new { booking = described }, ct: ct);
                return true;
        }
        try
        {
            await t.Service<BookingService>().CancelAsync(booking.Code, booking.Phone, "citizen request in chat", "citizen", ct, t.TurnKey);
            await t.SayAsync("bot/cancel.done", new { booking = described }, actions: Menu.Actions(t.Locale), ct: ct);
        }
        catch (BookingException)
        {
            await t.SayAsync("bot/manage.not-found", actions: Menu.Actions(t.Locale), ct: ct);
        }
        return true;
    }
}

public sealed class RescheduleDialog : Dialog
{
    public override string Name => DialogNames.Reschedule;

    public override async Task<bool> ContinueAsync(TurnContext t, DialogFrame f, CancellationToken ct)
    {
        var booking = await BookingFinder.FindAsync(t, f, "reschedule", ct);
        if (booking is null) return f.Get("done") is not null;
        f.Set("code", booking.Code);
        if (t.Entity(EntityTypes.Date) is { } d && d != f.Get("date")) { f.Set("date", d); f.Set("slot", null); }
        SlotPicker.TakeWeek(t, f);
        if (t.Entity(EntityTypes.PartOfDay) is { } pod) f.Set("pod", pod);
        if (t.Entity(EntityTypes.Time) is { } time && f.Prompt?.Slot != "slot") f.Set("time", time);

        var pick = await SlotPicker.PickAsync(t, f, booking.ProcedureId, booking.OfficeId, ct);
        if (pick == Pick.Impossible) return true;
        if (pick == Pick.Asked) return false;
        var (start, session) = BotFormat.ParseSlot(f.Get("slot"))!.Value;
        var described = await BookingFinder.DescribeAsync(t, booking, ct);
        switch (f.Get("confirm"))
        {
            case null:
                await t.PromptAsync(f, "confirm", PromptKind.Confirm, "bot/reschedule.confirm", new { booking = described, new_start = start.ToString("O") },
                    [new("yes", t.Locale == "en" ? "Move it" : "Đồng ý đổi"), new("no", t.Locale == "en" ? "Keep the old time" : "Giữ giờ cũ")], ct: ct);
                return false;
            case "no":
                await t.SayAsync("bot/cancel.kept", new { booking = described }, ct: ct);
                return true;
        }
        try
        {
            var moved = await t.Service<BookingService>().RescheduleAsync(booking.Code, booking.Phone, new RescheduleRequest(start, null, session), ct, t.TurnKey);
            await t.SayAsync("bot/reschedule.done", new { booking = await BookingFinder.DescribeAsync(t, moved, ct), old_start = booking.Start.ToString("O") }, ct: ct);
            return true;
        }
        catch (BookingException e) when (e.Error is BookingError.SlotFull or BookingError.SlotUnavailable)
        {
            await t.SayAsync("bot/booking.slot-full", ct: ct);
            f.Set("confirm", null);
            f.Set("slot", null);
            return await ContinueAsync(t, f, ct);
        }
    }
}
