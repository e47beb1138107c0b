using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Dossiers;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Bot.Dialogs;

/// <summary>
/// Dossier status: the code (found anywhere in the text), then a second factor; one uniform answer for any mismatch,
/// at most five failed lookups per conversation per hour, and the service's caps per dossier code and per client
/// across every conversation and channel (a new conversation per guess gains nothing).
/// </summary>
public sealed class DossierDialog : Dialog
{
    public const int MaxFailuresPerHour = 5;

    public override string Name => DialogNames.Dossier;

    public override async Task<bool> ContinueAsync(TurnContext t, DialogFrame f, CancellationToken ct)
    {
        t.State.FailedLookups.RemoveAll(x => t.Now - x > TimeSpan.FromHours(1));
        if (t.State.FailedLookups.Count >= MaxFailuresPerHour)
        {
            await t.SayAsync("bot/dossier.locked", actions: Menu.Actions(t.Locale), ct: ct);
            return true;
        }
        if (t.Entity(EntityTypes.DossierCode) is { } code) f.Set("code", code);
        if (f.Get("code") is null)
        {
            await t.PromptAsync(f, "code", PromptKind.DossierCode, "bot/dossier.ask-code", ct: ct);
            return false;
        }
        if (f.Get("factor") is null)
        {
            await t.PromptAsync(f, "factor", PromptKind.Factor, "bot/dossier.ask-factor", new { code = f.Get("code") }, ct: ct);
            return false;
        }

        var lookup = await t.Service<DossierService>().LookupAsync(f.Get("code"), f.Get("factor"), t.Identity.ClientKey, ct);
        if (lookup.Locked)
        {
            await t.SayAsync("bot/dossier.locked", actions: Menu.Actions(t.Locale), ct: ct);
            return true;
        }
        if (lookup.View is not { } view)
        {
            t.State.FailedLookups.Add(t.Now);
            await t.SayAsync("bot/dossier.not-found", new { remaining = MaxFailuresPerHour - t.State.FailedLookups.Count }, ct: ct);
            return true;
        }
        var office = await t.Service<MessagingDbContext>().Offices.AsNoTracking().FirstOrDefaultAsync(o => o.Id == view.OfficeId, ct);
        await t.SayAsync("bot/dossier.status", new
        {
            dossier = new
            {
                code = view.Code,
                status = view.Status.ToWire(),
                procedure = t.Service<ProcedureCatalog>().Find(view.ProcedureId) is { } p ? ProcedureText.Title(p, t.Locale) : view.ProcedureId,
                updated_at = view.UpdatedAt.ToString("O"),
                expected_date = view.ExpectedResultDate is { } expected ? DateRecognizer.Iso(expected) : "",
                note = view.LastNote ?? "",
            },
            office = new { name = OfficeNames.For(office?.Name ?? "", t.Locale), address = office?.Address ?? "", phone = office?.Phone ?? "", map_url = office?.MapUrl ?? "" },
        }, ct: ct);
        return true;
    }
}
