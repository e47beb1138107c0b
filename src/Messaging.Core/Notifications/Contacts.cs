using Messaging.Core.Persistence;
using Messaging.Language.Entities;
using Messaging.Language.Text;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Notifications;

/// <summary>A citizen's addresses and wishes: channel order, language, and channels they asked not to be used.</summary>
public sealed class Contact
{
    public Guid Id { get; set; }
    public required string Phone { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? ZaloUserId { get; set; }
    public string? WebChatConversationId { get; set; }
    public string Locale { get; set; } = "vi";
    public List<string> ChannelOrder { get; set; } = [];
    public List<string> OptedOut { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Keeps contacts current from bookings and channels, and applies opt-out keywords.</summary>
public sealed class ContactService(MessagingDbContext db, TimeProvider time)
{
    /// <summary>Words that stop messages on the channel they arrive on ("TU CHOI", "STOP", "HUY DANG KY"), without diacritics.</summary>
    public static readonly string[] OptOutKeywords = ["tu choi", "stop", "huy dang ky", "khong nhan tin", "unsubscribe"];
    public static readonly string[] OptInKeywords = ["dong y nhan tin", "start", "nhan tin lai", "dang ky lai"];

    public Task<Contact?> FindAsync(string phone, CancellationToken ct) =>
        VietnamesePhone.TryNormalize(phone, out var p) ? db.Set<Contact>().FirstOrDefaultAsync(c => c.Phone == p, ct) : Task.FromResult<Contact?>(null);

    /// <summary>Creates or completes a contact; never erases what it already knows.</summary>
    public async Task<Contact?> UpsertAsync(string phone, string? name, string? email, string? zaloUserId, string? conversationId,
        string? locale, CancellationToken ct)
    {
        if (!VietnamesePhone.TryNormalize(phone, out var normalized)) return null;
        var contact = await db.Set<Contact>().FirstOrDefaultAsync(c => c.Phone == normalized, ct);
        if (contact is null)
        {
            contact = new Contact { Id = Guid.CreateVersion7(time.GetUtcNow()), Phone = normalized };
            db.Add(contact);
        }
        contact.Name = name ?? contact.Name;
        contact.Email = email ?? contact.Email;
        contact.ZaloUserId = zaloUserId ?? contact.ZaloUserId;
        contact.WebChatConversationId = conversationId ?? contact.WebChatConversationId;
        contact.Locale = locale ?? contact.Locale;
        contact.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (RawSql.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await UpsertAsync(phone, name, email, zaloUserId, conversationId, locale, ct);
        }
        return contact;
    }

    /// <summary>True for an opt-out keyword, false for an opt-in one, null for any other text.</summary>
    public static bool? KeywordOf(string text)
    {
        var folded = string.Join(' ', Folding.Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return OptOutKeywords.Contains(folded) ? true : OptInKeywords.Contains(folded) ? false : null;
    }

    /// <summary>
    /// Applies an opt-out or opt-in keyword sent on a channel; returns true when the text was one. Critical messages
    /// (a cancelled session) still go out: the recipient's appointment depends on them.
    /// </summary>
    public async Task<bool> ApplyKeywordAsync(string channel, string phone, string text, CancellationToken ct)
    {
        if (KeywordOf(text) is not { } optOut) return false;
        var contact = await UpsertAsync(phone, null, null, null, null, null, ct);
        if (contact is null) return false;
        contact.OptedOut.Remove(channel);
        if (optOut) contact.OptedOut.Add(channel);
        contact.OptedOut = [.. contact.OptedOut];
        contact.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Applies a citizen's wish to the contact of a phone they proved: an explicit channel order (a web chat never
    /// in it: it is a copy), an e-mail to use first, opt-outs or opt-ins (on the named channels, else on the one they
    /// wrote from; from a web chat, every out-of-band channel), the language.
    /// </summary>
    public async Task<Contact?> ApplyAsync(string phone, PreferenceChange change, string arrivedOn, CancellationToken ct)
    {
        var contact = await UpsertAsync(phone, null, change.Email, null, null, change.Locale, ct);
        if (contact is null) return null;
        var order = contact.ChannelOrder.Count > 0 ? contact.ChannelOrder.ToList() : [.. PreferenceCommands.OutOfBand];
        if (change.OnlyChannels is { Count: > 0 } only)
        {
            order = [.. only];
            contact.OptedOut = contact.OptedOut.Except(only).ToList();
        }
        if (change.Email is not null)
        {
            order = [ChannelNames.Email, .. order.Where(c => c != ChannelNames.Email)];
            contact.OptedOut = contact.OptedOut.Where(c => c != ChannelNames.Email).ToList();
        }
        if (change.OnlyChannels is not null || change.Email is not null) contact.ChannelOrder = order.Where(c => c != ChannelNames.WebChat).Distinct().ToList();
        if (change.OptOut is { } stop)
        {
            var channels = change.OptChannels is { Count: > 0 } named ? named
                : arrivedOn is ChannelNames.WebChat or "directline" or "anon" or "api" ? PreferenceCommands.OutOfBand : [arrivedOn];
            contact.OptedOut = stop ? contact.OptedOut.Union(channels).ToList() : contact.OptedOut.Except(channels).ToList();
        }
        contact.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return contact;
    }

    /// <summary>Puts a channel first in a contact's order (Zalo, once its owner shared the phone with the OA), keeping the rest.</summary>
    public async Task PreferFirstAsync(string phone, string channel, CancellationToken ct)
    {
        var contact = await FindAsync(phone, ct);
        if (contact is null) return;
        var order = contact.ChannelOrder.Count > 0 ? contact.ChannelOrder : [.. PreferenceCommands.OutOfBand];
        contact.ChannelOrder = [channel, .. order.Where(c => c != channel)];
        contact.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}
