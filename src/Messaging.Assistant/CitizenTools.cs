using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Messaging.Bot.Dialogs;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Identity;
using Messaging.Core.Dossiers;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Core.Templates;
using Messaging.Language.Entities;
using Messaging.Language.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.SemanticKernel;

namespace Messaging.Assistant;

/// <summary>
/// The assistant's tools, one instance per turn, over the same services the dialogs use. What they return goes to the
/// model, so it carries placeholders instead of the citizen's data. Booking happens only when the citizen confirms, in
/// a later turn, exactly what was proposed to them; a dossier needs its second factor and counts toward the same
/// hourly limit as the dialog.
/// </summary>
public sealed class CitizenTools(TurnContext t, AssistantState state, PersonalDataMask mask)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ProposedBooking? _proposedBefore = state.Proposal;

    /// <summary>Knowledge-base entries this turn retrieved: what the answer may quote.</summary>
    public List<Procedure> Retrieved { get; } = [];
    /// <summary>The booking made this turn, if any; the reply is then the same confirmation the booking dialog gives.</summary>
    public (Booking Booking, Office Office)? Booked { get; private set; }

    private ProcedureCatalog Catalog => t.Service<ProcedureCatalog>();

    [KernelFunction("search_procedures"), Description("Search the knowledge base of police procedures (ID cards, residence, passports, judicial records, VNeID). Returns the closest procedures with their documents, fee and processing time.")]
    public string SearchProcedures([Description("The citizen's question or the procedure's name, in Vietnamese")] string query)
    {
        var found = Catalog.Search(mask.Unmask(query), 3);
        Retrieved.AddRange(found.Where(p => !Retrieved.Contains(p)));
        return Serialize(found.Select(Entry));
    }

    [KernelFunction("get_procedure"), Description("Get one procedure of the knowledge base by its id: documents, fee, processing time, where to apply and online link.")]
    public string GetProcedure([Description("The procedure id, e.g. cccd-renewal")] string procedure_id)
    {
        if (Catalog.Find(procedure_id) is not { } p) return Serialize(new { error = "unknown procedure id" });
        if (!Retrieved.Contains(p)) Retrieved.Add(p);
        return Serialize(Entry(p));
    }

    [KernelFunction("find_offices"), Description("Find commune police offices by name, commune or former district. An empty query lists them all.")]
    public async Task<string> FindOfficesAsync([Description("Office name or commune")] string query, CancellationToken ct)
    {
        var folded = Normalizer.Canonical(mask.Unmask(query));
        var offices = await Offices(ct);
        var matches = offices.Where(o => folded.Length == 0 || new[] { o.Name, o.Commune, o.LegacyDistrict ?? "" }.Concat(o.Aliases)
            .Any(n => Normalizer.Canonical(n) is { Length: > 0 } name && (name.Contains(folded, StringComparison.Ordinal) || folded.Contains(name, StringComparison.Ordinal)))).ToList();
        return Serialize((matches.Count > 0 ? matches : offices).Take(10).Select(o => new { id = o.Id, name = o.Name, commune = o.Commune, address = o.Address }));
    }

    [KernelFunction("office_info"), Description("An office's address, phone, map link, opening hours and upcoming extra or mobile sessions.")]
    public async Task<string> OfficeInfoAsync([Description("The office id")] string office_id, CancellationToken ct)
    {
        var db = t.Service<MessagingDbContext>();
        var office = await db.Offices.AsNoTracking().Include(o => o.Hours).FirstOrDefaultAsync(o => o.Id == office_id, ct);
        if (office is null) return Serialize(new { error = "unknown office id" });
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.OfficeId == office.Id && s.Status == SessionStatus.Scheduled && s.End > t.Now)
            .OrderBy(s => s.Start).Take(3).ToListAsync(ct);
        return Serialize(new
        {
            id = office.Id, name = office.Name, address = office.Address, phone = office.Phone, map_url = office.MapUrl,
            hours = OfficeInfoResponder.HoursText(office, t.Locale),
            sessions = sessions.Select(s => new { title = s.Title, place = s.Place, start = Local(s.Start, office), end = Local(s.End, office) }),
        });
    }

    [KernelFunction("find_free_slots"), Description("Free appointment times for a procedure at an office on a date.")]
    public async Task<string> FindFreeSlotsAsync(
        [Description("The procedure id")] string procedure_id,
        [Description("The office id")] string office_id,
        [Description("The date, yyyy-MM-dd")] string date,
        CancellationToken ct)
    {
        if (!BookingDialog.Bookable.Contains(procedure_id)) return Serialize(new { error = "this procedure cannot be booked" });
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Serialize(new { error = "date must be yyyy-MM-dd" });
        var office = (await Offices(ct)).FirstOrDefault(o => o.Id == office_id);
        if (office is null) return Serialize(new { error = "unknown office id" });
        var slots = await t.Service<BookingService>().FindFreeSlotsAsync(new SlotQuery(procedure_id, day, day, office_id, Limit: 40), ct);
        return Serialize(new
        {
            office = office.Name, date,
            free = slots.Where(s => s.Free > 0).Take(16).Select(s => new { start = Local(s.Start, office), free = s.Free }),
        });
    }

    [KernelFunction("book_appointment"), Description("Book an appointment. The first call only proposes it: show the citizen the summary and ask them to confirm. Call again with the same values after the citizen has said yes.")]
    public async Task<string> BookAppointmentAsync(
        [Description("The procedure id")] string procedure_id,
        [Description("The office id")] string office_id,
        [Description("The slot's start as returned by find_free_slots, yyyy-MM-ddTHH:mm local time")] string start,
        [Description("The citizen's full name (a placeholder such as [NAME_1] is fine)")] string name,
        [Description("The citizen's phone number (a placeholder such as [PHONE_1] is fine)")] string phone,
        CancellationToken ct)
    {
        var office = (await Offices(ct)).FirstOrDefault(o => o.Id == office_id);
        if (office is null) return Serialize(new { status = "error", error = "unknown office id" });
        if (!BookingDialog.Bookable.Contains(procedure_id) || Catalog.Find(procedure_id) is not { } procedure)
            return Serialize(new { status = "error", error = "this procedure cannot be booked" });
        if (!DateTime.TryParseExact(start, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return Serialize(new { status = "error", error = "start must be yyyy-MM-ddTHH:mm" });
        if (!VietnamesePhone.TryNormalize(mask.Unmask(phone), out var realPhone))
            return Serialize(new { status = "error", error = "the phone number is not a Vietnamese mobile number: ask the citizen for it" });
        var realName = mask.Unmask(name).Trim();
        if (realName.Length < 2) return Serialize(new { status = "error", error = "ask the citizen for their full name" });

        var at = OfficeTime.At(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local), office.TimeZoneId);
        // The same proof as the booking dialog: a phone this identity proved earlier, or none where codes are not required.
        // The assistant cannot take a code; where one is needed the dialog asks for it.
        var verification = t.Service<PhoneVerification>();
        var proved = await verification.IsLinkedAsync(realPhone, t.ChannelId, t.UserId, ct);
        if (!proved && verification.CodesRequired)
            return Serialize(new { status = "error", error = "PhoneNotVerified", detail = "tell the citizen to type 'đặt lịch' to book with the booking form, which confirms the phone number with a code" });
        var proposal = new ProposedBooking(procedure_id, office_id, at, realName, realPhone);
        // A yes counts only for what was on the table before this turn: a proposal made now must be shown first.
        if (proposal != _proposedBefore || PromptAnswers.Confirm(t) != "yes")
        {
            state.Proposal = proposal;
            var instruction = await t.Service<TemplateStore>().RenderAsync("assistant/confirm-required", TemplateChannels.Chat, t.Locale,
                JsonSerializer.SerializeToElement(new { }), ct);
            return Serialize(new
            {
                status = "confirmation_required",
                instruction = instruction?.Text ?? "",
                summary = new { procedure = procedure.Title, office = office.Name, start = Local(at, office), name = mask.MaskKnown(realName), phone = mask.MaskKnown(realPhone) },
            });
        }
        try
        {
            var booking = await t.Service<BookingService>().BookAsync(new BookingRequest(procedure_id, office_id, at, realName, realPhone,
                null, null, t.ChannelId, t.UserId, t.Locale, $"{t.ConversationId}:assistant:{at.UtcTicks}",
                PhoneVerified: proved, ClientKey: t.Identity.ClientKey), ct);
            state.Proposal = null;
            t.State.Memory["name"] = realName;
            t.State.Memory["phone"] = realPhone;
            Booked = (booking, office);
            return Serialize(new { status = "booked", code = booking.Code, queue_number = booking.QueueNumber, start = Local(booking.Start, office) });
        }
        catch (BookingException e)
        {
            state.Proposal = null;
            return Serialize(new { status = "error", error = e.Error.ToString(), detail = "offer other free slots with find_free_slots" });
        }
    }

    [KernelFunction("get_dossier_status"), Description("The status of a dossier. Needs the dossier code and the second factor the citizen gave when applying (their phone or ID number): ask for both.")]
    public async Task<string> GetDossierStatusAsync(
        [Description("The dossier code, e.g. 000.00.12.H55-240930-0101")] string code,
        [Description("The citizen's phone or ID number (a placeholder is fine)")] string factor,
        CancellationToken ct)
    {
        t.State.FailedLookups.RemoveAll(x => t.Now - x > TimeSpan.FromHours(1));
        if (t.State.FailedLookups.Count >= DossierDialog.MaxFailuresPerHour)
            return Serialize(new { status = "locked", detail = "too many failed lookups: the citizen must wait an hour or visit the office" });
        var lookup = await t.Service<DossierService>().LookupAsync(code.Trim(), mask.Unmask(factor).Trim(), t.Identity.ClientKey, ct);
        if (lookup.Locked)
            return Serialize(new { status = "locked", detail = "too many failed lookups for this dossier or from this citizen: they must wait or visit the office" });
        if (lookup.View is not { } view)
        {
            t.State.FailedLookups.Add(t.Now);
            // One answer for an unknown code and a wrong factor alike.
            return Serialize(new { status = "not_found_or_mismatch", remaining = DossierDialog.MaxFailuresPerHour - t.State.FailedLookups.Count });
        }
        return Serialize(new
        {
            status = view.Status.ToWire(), procedure = Catalog.Find(view.ProcedureId)?.Title ?? view.ProcedureId,
            updated_at = view.UpdatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            expected_date = view.ExpectedResultDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), note = mask.MaskKnown(view.LastNote ?? ""),
        });
    }

    private async Task<IReadOnlyList<Office>> Offices(CancellationToken ct) =>
        await t.Service<OfficeDirectory>().AllAsync(t.Service<MessagingDbContext>(), ct);

    private static string Local(DateTimeOffset at, Office office) =>
        OfficeTime.ToLocal(at, office.TimeZoneId).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private object Entry(Procedure p) => new
    {
        id = p.Id, title = t.Locale == "en" ? p.TitleEn : p.Title,
        documents = p.Documents?.Select(d => d.Note is null ? d.Name : $"{d.Name} ({d.Note})"),
        fee = p.Fee?.Text, processing_time = p.ProcessingTime?.Text, where = p.Where?.Offices, online = p.Where?.Online,
        online_url = p.Where?.OnlineUrl, bookable = BookingDialog.Bookable.Contains(p.Id),
    };

    private string Serialize(object value) => mask.MaskKnown(JsonSerializer.Serialize(value, Json));
}
