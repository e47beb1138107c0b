using System.Globalization;
using Messaging.Core.Appointments;
using Messaging.Core.Notifications;
using Messaging.Core.Templates;

namespace Messaging.Server.Api;

// What the HTTP API answers, by name: the OpenAPI document describes these shapes, and a change to one shows up there.

public sealed record StatusView(string Status);

public sealed record ProcedureSummary(string Id, string Title, string TitleEn);

public sealed record HoursView(DayOfWeek Day, string Opens, string Closes);

public sealed record ClosureView(DateOnly Date, string Reason);

public sealed record OfficeServiceView(int Id, string Name, IReadOnlyList<string> ProcedureIds, IReadOnlyList<DayOfWeek> Weekdays,
    int SlotMinutes, int CapacityPerSlot, int MinNoticeMinutes, int HorizonDays);

public sealed record OfficeView(string Id, string Name, string Address, string Commune, string? LegacyDistrict, string Province,
    string? Phone, string? MapUrl, string TimeZoneId, IReadOnlyList<HoursView> Hours, IReadOnlyList<ClosureView> Closures,
    IReadOnlyList<OfficeServiceView> Services)
{
    public static OfficeView Of(Office o) => new(o.Id, o.Name, o.Address, o.Commune, o.LegacyDistrict, o.Province, o.Phone, o.MapUrl,
        o.TimeZoneId,
        [.. o.Hours.OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.Opens).Select(h => new HoursView(h.Day, h.Opens.ToString("HH:mm", CultureInfo.InvariantCulture), h.Closes.ToString("HH:mm", CultureInfo.InvariantCulture)))],
        [.. o.Closures.OrderBy(c => c.Date).Select(c => new ClosureView(c.Date, c.Reason))],
        [.. o.Services.Select(s => new OfficeServiceView(s.Id, s.Name, s.ProcedureIds, s.Weekdays, s.SlotMinutes, s.CapacityPerSlot,
            s.MinNoticeMinutes, s.HorizonDays))]);
}

public sealed record SlotView(string OfficeId, int ServiceId, Guid? SessionId, DateTimeOffset Start, DateTimeOffset End, int Capacity, int Free);

public sealed record DeliveryRow(Guid Id, string Key, string TemplateKey, DeliveryStatus Status, string? Channel, string? Error,
    string RecipientSummary, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

public sealed record AttemptView(int Number, string Channel, bool Succeeded, bool Permanent, string? Error, string? ProviderMessageId,
    int? Segments, DateTimeOffset StartedAt, int DurationMs);

public sealed record DeliveryDetail(Guid Id, string Key, string TemplateKey, DeliveryStatus Status, string? Channel, string? ProviderMessageId,
    string? Error, string RecipientSummary, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? DeliveredAt,
    DateTimeOffset? SeenAt, string? ProviderStatus, IReadOnlyList<AttemptView> Attempts)
{
    public static DeliveryDetail Of(Delivery d) => new(d.Id, d.Key, d.TemplateKey, d.Status, d.Channel, d.ProviderMessageId, d.Error,
        d.RecipientSummary, d.CreatedAt, d.SentAt, d.DeliveredAt, d.SeenAt, d.ProviderStatus,
        [.. d.Attempts.OrderBy(a => a.Number).Select(a => new AttemptView(a.Number, a.Channel, a.Succeeded, a.Permanent, a.Error,
            a.ProviderMessageId, a.Segments, a.StartedAt, a.DurationMs))]);
}

public sealed record BroadcastCreated(Guid Id, int Recipients, BroadcastStatus Status);

public sealed record TemplateChange(TemplateVersionView Version, ValidationReport Report);

public sealed record TemplateErrors(IReadOnlyList<TemplateIssue> Errors);
