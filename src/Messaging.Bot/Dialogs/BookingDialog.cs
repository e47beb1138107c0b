using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Bot.Dialogs;

/// <summary>
/// Books an appointment: procedure, office, date, slot, name, phone, then a confirmation. Whatever the first
/// message already says is taken, so "đặt lịch làm cccd ở xã Tịnh Hà sáng mai, tên ..., sđt ..." goes straight to the
/// slots or the confirmation.
/// </summary>
public sealed class BookingDialog : Dialog
{
    public override string Name => DialogNames.Booking;

    public static readonly string[] Bookable =
    [
        "cccd-first-issue", "cccd-renewal", "cccd-reissue", "vneid-level2", "permanent-residence", "temporary-residence",
        "residence-confirmation", "passport",
    ];

    public override async Task<bool> ContinueAsync(TurnContext t, DialogFrame f, CancellationToken ct)
    {
        // "đặt lịch đăng ký kết hôn": another body's matter cannot be booked here, and the procedure remembered from an
        // earlier question is not what is asked for. Where to go ends the dialog.
        if (f.Get("procedure") is null && t.Entity(EntityTypes.Procedure) is null && await Referrals.TrySayAsync(t, aboutAProcedure: false, ct))
            return true;
        Absorb(t, f);
        var catalog = t.Service<ProcedureCatalog>();
        var db = t.Service<MessagingDbContext>();

        var procedure = f.Get("procedure");
        if (procedure is null || catalog.Find(procedure) is null)
        {
            await t.PromptAsync(f, "procedure", PromptKind.Choice, "bot/booking.ask-procedure", null,
                Bookable.Select(id => new Choice(id, ProcedureText.Title(catalog.Find(id)!, t.Locale))).ToList(), acceptsEntity: EntityTypes.Procedure, ct: ct);
            return false;
        }
        t.State.Memory["procedure"] = procedure;
        var title = ProcedureText.Title(catalog.Find(procedure)!, t.Locale);

        // Offices come from the shared directory: every turn of the dialog needs them and they change a few times a year.
        var directory = await t.Service<OfficeDirectory>().AllAsync(db, ct);
        var handling = directory.Where(o => o.Services.Any(s => s.ProcedureIds.Contains(procedure))).ToList();
        var office = f.Get("office");
        if (office is not null && !handling.Exists(o => o.Id == office))
        {
            await t.SayAsync("bot/booking.office-not-handling", new { procedure = title, office = await SlotPicker.OfficeNameAsync(t, office, ct) }, ct: ct);
            f.Set("office", null);
            office = null;
        }
        if (office is null)
        {
            if (handling.Count == 0)
            {
                await t.SayAsync("bot/booking.no-availability", new { procedure = title, office = "" }, ct: ct);
                return true;
            }
            await t.PromptAsync(f, "office", PromptKind.Choice, "bot/booking.ask-office", new { procedure = title },
                handling.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => new Choice(o.Id, OfficeNames.For(o.Name, t.Locale))).ToList(), acceptsEntity: EntityTypes.Office, ct: ct);
            return false;
        }
        t.State.Memory["office"] = office;

        var pick = await SlotPicker.PickAsync(t, f, procedure, office, ct);
        if (pick == Pick.Impossible) return true;
        if (pick == Pick.Asked) return false;

        var name = f.Get("name") ?? t.State.Memory.GetValueOrDefault("name");
        if (name is null)
        {
            await t.PromptAsync(f, "name", PromptKind.Name, "bot/booking.ask-name", ct: ct);
            return false;
        }
        f.Set("name", name);
        var phone = f.Get("phone") ?? t.State.Memory.GetValueOrDefault("phone");
        if (phone is null)
        {
            await t.PromptAsync(f, "phone", PromptKind.Phone, "bot/booking.ask-phone", new { name }, ct: ct);
            return false;
        }
        f.Set("phone", phone);
        if (f.Get("code") == "change-phone")
        {
            f.Set("code", null);
            f.Set("phone", null);
            t.State.Memory.Remove("phone");
            await t.PromptAsync(f, "phone", PromptKind.Phone, "bot/booking.ask-phone", new { name }, ct: ct);
            return false;
        }
        var proof = await PhoneProof.CheckAsync(t, f, phone, ct);
        if (proof == PhoneProof.Outcome.Asked) return false;
        if (proof == PhoneProof.Outcome.Stopped) return true;

        var (start, session) = BotFormat.ParseSlot(f.Get("slot"))!.Value;
        var officeRow = handling.First(o => o.Id == office);
        switch (f.Get("confirm"))
        {
            case null:
                await t.PromptAsync(f, "confirm", PromptKind.Confirm, "bot/booking.confirm",
                    new { procedure = title, office = new { name = OfficeNames.For(officeRow.Name, t.Locale), address = officeRow.Address }, start = start.ToString("O"), name, phone = VietnamesePhone.Mask(phone) },
                    [new("yes", t.Locale == "en" ? "Confirm" : "Xác nhận"), new("change-time", t.Locale == "en" ? "Another time" : "Chọn giờ khác"), new("no", t.Locale == "en" ? "Cancel" : "Hủy")], ct: ct);
                return false;
            case "change-time":
                f.Set("confirm", null);
                f.Set("slot", null);
                f.Set("date", null);
                return await ContinueAsync(t, f, ct);
            case "no":
                await t.SayAsync("bot/cancelled", actions: Menu.Actions(t.Locale), ct: ct);
                return true;
        }

        try
        {
            var booking = await t.Service<BookingService>().BookAsync(new BookingRequest(procedure, office, start, name, phone,
                null, session, t.ChannelId, t.UserId, t.Locale, t.TurnKey,
                PhoneVerified: proof == PhoneProof.Outcome.Proved, ClientKey: t.Identity.ClientKey, Email: f.Get("email")), ct);
            t.State.Memory["name"] = name;
            t.State.Memory["phone"] = phone;
            await Confirmation.SayBookedAsync(t, booking, officeRow, ct);
            return true;
        }
        catch (BookingException e) when (e.Error is BookingError.SlotFull or BookingError.SlotUnavailable)
        {
            await t.SayAsync("bot/booking.slot-full", ct: ct);
            f.Set("confirm", null);
            f.Set("slot", null);
            return await ContinueAsync(t, f, ct);
        }
        catch (BookingException e) when (e.Error == BookingError.PhoneLimitReached)
        {
            await t.SayAsync("bot/booking.phone-limit", ct: ct);
            return true;
        }
        catch (BookingException e) when (e.Error is BookingError.DailyLimitReached or BookingError.PhoneNotVerified)
        {
            await t.SayAsync("bot/booking.daily-limit", actions: Menu.Actions(t.Locale), ct: ct);
            return true;
        }
        catch (BookingException e) when (e.Error == BookingError.InvalidName)
        {
            f.Set("name", null);
            f.Set("confirm", null);
            t.State.Memory.Remove("name");
            return await ContinueAsync(t, f, ct);
        }
    }

    /// <summary>Takes every value the message gives, whichever question was asked.</summary>
    internal static void Absorb(TurnContext t, DialogFrame f)
    {
        if (t.Entity(EntityTypes.Procedure) is { } p) f.Set("procedure", p);
        if (f.Get("procedure") is null && t.State.Memory.TryGetValue("procedure", out var remembered)) f.Set("procedure", remembered);
        if (t.Entity(EntityTypes.Office) is { } o) f.Set("office", o);
        if (t.Entity(EntityTypes.Date) is { } d && d != f.Get("date"))
        {
            f.Set("date", d);
            if (f.Get("slot") is { } s && BotFormat.ParseSlot(s) is { } parsed && DateRecognizer.Iso(OfficeTime.LocalDate(parsed.Start, null)) != d)
                f.Set("slot", null);
        }
        SlotPicker.TakeWeek(t, f);
        if (t.Entity(EntityTypes.PartOfDay) is { } pod) f.Set("pod", pod);
        if (t.Entity(EntityTypes.Time) is { } time && f.Prompt?.Slot != "slot") f.Set("time", time);
        if (t.Entity(EntityTypes.Phone) is { } phone) f.Set("phone", phone);
        if (PromptAnswers.NameInSentence(t.Text) is { } name) f.Set("name", name);
        // An e-mail typed along the way ("sđt 0912…, email an@gmail.com") is where this booking's notices also go.
        if (Messaging.Core.Notifications.EmailAddress.Find(t.Text) is { } email) f.Set("email", email);
    }
}

/// <summary>The confirmation a citizen gets after booking: code, queue number, documents, address and map.</summary>
public static class Confirmation
{
    public static Task SayBookedAsync(TurnContext t, Booking booking, Office office, CancellationToken ct)
    {
        var procedure = t.Service<ProcedureCatalog>().Find(booking.ProcedureId);
        return t.SayAsync("bot/booking.confirmed", new
        {
            booking = new
            {
                code = booking.Code,
                queue_number = Messaging.Core.FrontDesk.QueueLabel.Format(office.QueuePrefix, booking.QueueNumber),
                start = booking.Start.ToString("O"),
                procedure = procedure is null ? booking.ProcedureId : ProcedureText.Title(procedure, t.Locale),
                documents = ProcedureText.ToBring(procedure, t.Locale),
            },
            office = new { name = OfficeNames.For(office.Name, t.Locale), address = office.Address, phone = office.Phone ?? "", map_url = office.MapUrl ?? "" },
            citizen = new { name = booking.CitizenName, phone = VietnamesePhone.Mask(booking.Phone) },
        },
        channelData: new
        {
            booking = new
            {
                code = booking.Code,
                queueNumber = booking.QueueNumber,
                officeId = booking.OfficeId,
                procedureId = booking.ProcedureId,
                start = booking.Start,
            },
        }, ct: ct);
    }
}
