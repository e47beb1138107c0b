using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.FrontDesk;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Bot.Dialogs;

/// <summary>
/// "Còn mấy người nữa tới lượt tôi?": the citizen's booking of today — one this identity made, or one named by its code
/// together with the phone it was booked with (a wrong code and a wrong phone get the same answer) — with its number,
/// the numbers to be called before it and a wait estimated from today's pace at the office.
/// </summary>
public sealed class QueuePositionResponder : Responder
{
    public override string Name => DialogNames.QueuePosition;

    public override async Task RespondAsync(TurnContext t, CancellationToken ct)
    {
        var booking = await TodaysBookingAsync(t, ct);
        if (booking is null)
        {
            await t.SayAsync("bot/queue.none", new { asked_code = PromptAnswers.BookingCodeIn(t.Text) is not null }, Menu.Actions(t.Locale), ct: ct);
            return;
        }
        var position = await t.Service<DeskService>().PositionAsync(booking, ct);
        var office = await t.Service<MessagingDbContext>().Offices.AsNoTracking().FirstAsync(o => o.Id == booking.OfficeId, ct);
        var procedure = t.Service<ProcedureCatalog>().Find(booking.ProcedureId);
        await t.SayAsync("bot/queue.position", new
        {
            queue = new
            {
                status = position.Status switch
                {
                    PositionStatus.Waiting => "waiting",
                    PositionStatus.Called => "called",
                    PositionStatus.Served => "served",
                    PositionStatus.NoShow => "no-show",
                    _ => "not-in-queue",
                },
                number = position.Number,
                ahead = position.Ahead,
                minutes = position.EstimatedMinutes,
                desk = position.Desk ?? "",
                calling = position.CallingNow ?? "",
            },
            booking = new
            {
                code = booking.Code,
                start = booking.Start.ToString("O"),
                procedure = procedure is null ? booking.ProcedureId : ProcedureText.Title(procedure, t.Locale),
            },
            office = new { name = OfficeNames.For(office.Name, t.Locale) },
        }, ct: ct);
    }

    private static async Task<Booking?> TodaysBookingAsync(TurnContext t, CancellationToken ct)
    {
        var today = OfficeTime.LocalDate(t.Now, null);
        var from = OfficeTime.At(today, TimeOnly.MinValue, null);
        var to = OfficeTime.At(today.AddDays(1), TimeOnly.MinValue, null);
        if (PromptAnswers.BookingCodeIn(t.Text) is { } code)
        {
            // A code reaches a booking made elsewhere (by phone, on another channel) only with the phone it was made with.
            var named = await t.Service<BookingService>().GetByCodeAsync(code, ct);
            var mine = named is not null && named.Channel == t.ChannelId && named.ChannelUserId == t.UserId;
            var phone = t.Entity(EntityTypes.Phone);
            return named is not null && (mine || (phone is not null && named.Phone == phone)) && named.Start >= from && named.Start < to
                ? named : null;
        }
        var own = await t.Service<MessagingDbContext>().Bookings.AsNoTracking()
            .Where(b => b.Channel == t.ChannelId && b.ChannelUserId == t.UserId && b.Start >= from && b.Start < to
                && b.Status != BookingStatus.Cancelled)
            .OrderBy(b => b.Start).ToListAsync(ct);
        // Two bookings today: the one still ahead is what the citizen waits for.
        return own.FirstOrDefault(b => b.Status is BookingStatus.Booked or BookingStatus.CheckedIn) ?? own.FirstOrDefault();
    }
}
