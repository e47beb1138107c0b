using Messaging.Core.Notifications;
using Messaging.Core.Persistence;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Messaging.Notifier.Channels.Zalo;

/// <summary>
/// Notifications as Zalo OA consultation messages. A user who has not interacted with the OA within Zalo's window
/// (or unfollowed it) is not tried at all: the notification moves on to ZNS or SMS at once, as Zalo would refuse it.
/// </summary>
public sealed class ZaloSender(ZaloApiClient zalo, IServiceScopeFactory scopes, IOptions<ZaloOptions> options, TimeProvider time)
    : IChannelSender
{
    public string Channel => ChannelNames.Zalo;

    public bool CanReach(Recipient r) => r.ZaloUserId is { Length: > 0 };

    public async Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        var userId = m.Recipient.ZaloUserId ?? throw new ChannelException("no Zalo user id", permanent: true);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
            var user = await db.ZaloUsers.AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, ct);
            if (user is { Following: false })
                throw new ChannelException("the user no longer follows the Official Account", permanent: true);
            if (user?.LastInteractionAt is { } last && time.GetUtcNow() - last > options.Value.InteractionWindow)
                throw new ChannelException($"outside Zalo's interaction window (last interaction {last:yyyy-MM-dd})", permanent: true);
        }
        var calls = Calls(m);
        var done = m.SkipParts;
        try
        {
            string? first = null;
            for (; done < calls.Count; done++)
                first ??= await zalo.SendTextAsync(userId, calls[done].Text, calls[done].Buttons, ct);
            return new SendResult(first, calls.Count);
        }
        catch (ZaloApiException e)
        {
            // How far it got, so a retry sends the rest and not again what Zalo already showed the citizen.
            throw new ChannelException($"{Channel} error {e.Code}: {e.Message}", permanent: !e.Transient, e, progress: done);
        }
    }

    /// <summary>
    /// The consultation messages one outgoing message becomes: each part's text cut below Zalo's limit, its buttons under
    /// the last piece. A rendered notification is one part without buttons.
    /// </summary>
    public static IReadOnlyList<(string Text, IReadOnlyList<ZaloButton> Buttons)> Calls(OutgoingMessage m)
    {
        var calls = new List<(string, IReadOnlyList<ZaloButton>)>();
        foreach (var part in m.Parts ?? [new PreparedMessage(m.Text)])
        {
            var pieces = ZaloApiClient.Split(part.Text);
            var buttons = (part.Buttons ?? []).Select(b => b.Url is not null ? new ZaloButton(b.Title, Url: b.Url) : new ZaloButton(b.Title, Payload: b.Title)).ToList();
            if (pieces.Count == 0 && buttons.Count == 0) continue;
            for (var i = 0; i < pieces.Count - 1; i++) calls.Add((pieces[i], []));
            calls.Add((pieces.Count > 0 ? pieces[^1] : "", buttons));
        }
        return calls;
    }
}

/// <summary>
/// Notifications as ZNS template messages, by phone: the template id and parameters come from the template's zns
/// variant, and our notification key travels as tracking_id so the delivery receipt finds its record.
/// </summary>
public sealed class ZnsSender(ZaloApiClient zalo) : IChannelSender
{
    public string Channel => ChannelNames.Zns;

    public bool CanReach(Recipient r) => VietnamesePhone.TryNormalize(r.Phone, out _);

    public async Task<SendResult> SendAsync(OutgoingMessage m, CancellationToken ct)
    {
        if (!VietnamesePhone.TryNormalize(m.Recipient.Phone, out var phone))
            throw new ChannelException("no Vietnamese mobile number", permanent: true);
        if (m.ZnsTemplateId is not { Length: > 0 } templateId || m.ZnsParameters is null)
            throw new ChannelException("the template has no approved ZNS template id", permanent: true);
        try
        {
            return new SendResult(await zalo.SendZnsAsync(VietnamesePhone.ToInternational(phone), templateId, m.ZnsParameters, m.Key, ct));
        }
        catch (ZaloApiException e)
        {
            throw e.ToChannelException(Channel);
        }
    }
}
