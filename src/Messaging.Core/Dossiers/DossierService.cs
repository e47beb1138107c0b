using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Messaging.Core.Identity;
using Messaging.Core.Notifications;
using Messaging.Core.Templates;
using Messaging.Language.Text;
using Microsoft.Extensions.Options;
using Messaging.Core.Persistence;
using Messaging.Language.Entities;
using Microsoft.EntityFrameworkCore;

namespace Messaging.Core.Dossiers;

/// <summary>One dossier as the import API and the CSV file carry it.</summary>
public sealed record DossierImportRow(
    string? Code, string? ProcedureId, string? OfficeId, string? ApplicantName, string? Phone, string? CitizenId,
    string? Status, DateTimeOffset? ReceivedAt, DateOnly? ExpectedResultDate, string? Note);

public sealed record DossierImportError(int Row, string? Code, string Message);

public sealed record DossierImportReport(bool DryRun, int Created, int Updated, int Unchanged,
    IReadOnlyList<DossierImportError> Errors);

/// <summary>What a citizen sees after a successful lookup. Contains no personal data beyond what they proved.</summary>
public sealed record DossierView(string Code, string ProcedureId, string OfficeId, DossierStatus Status,
    DateTimeOffset UpdatedAt, DateOnly? ExpectedResultDate, string? LastNote, IReadOnlyList<DossierEvent> History);

/// <summary>
/// A lookup's answer: the dossier, or nothing (one answer for every mismatch), or <see cref="Locked"/> when the code
/// or the client has used up its wrong tries and must wait <see cref="RetryAfter"/>.
/// </summary>
public sealed record DossierLookup(DossierView? View, bool Locked = false, TimeSpan RetryAfter = default)
{
    public static readonly DossierLookup NotFound = new((DossierView?)null);
}

/// <summary>Dossier lookup with a second factor, status changes with history, and idempotent import.</summary>
public sealed class DossierService(MessagingDbContext db, TimeProvider time, AbuseGuard guard, IOptions<AbuseOptions> abuse)
{
    /// <summary>
    /// Returns the dossier only when the code exists and the factor matches: the last 4 digits of the applicant's
    /// phone, or their full ID number. Every mismatch gives the same answer, so it never tells which part was wrong.
    /// A try is claimed against the code's and the client's hourly caps before the factor is compared (so parallel
    /// guesses cannot slip past the cap), and given back when it was right.
    /// </summary>
    public async Task<DossierLookup> LookupAsync(string? code, string? factor, string? clientKey, CancellationToken ct)
    {
        if (!DossierCode.TryNormalize(code, out var normalized))
        {
            // Nothing to guess at, but a client trying codes still spends its tries.
            if (clientKey is not null && await guard.TryClaimAsync(abuse.Value.DossierPerClient, clientKey, ct) is null)
                return await LockedAsync(abuse.Value.DossierPerClient, clientKey, ct);
            return DossierLookup.NotFound;
        }
        var limits = abuse.Value;
        var claims = await guard.TryClaimAllAsync(
            [(limits.DossierPerCode, normalized), (limits.DossierPerCodeDaily, normalized), (limits.DossierPerClient, clientKey)], ct);
        if (claims is null)
        {
            if (await guard.CountAsync(limits.DossierPerCodeDaily, normalized, ct) >= limits.DossierPerCodeDaily.Max)
                return await LockedAsync(limits.DossierPerCodeDaily, normalized, ct);
            var perCode = await guard.CountAsync(limits.DossierPerCode, normalized, ct) >= limits.DossierPerCode.Max;
            return perCode ? await LockedAsync(limits.DossierPerCode, normalized, ct) : await LockedAsync(limits.DossierPerClient, clientKey!, ct);
        }

        var dossier = await db.Dossiers.AsNoTracking().Include(d => d.History).FirstOrDefaultAsync(d => d.Code == normalized, ct);
        var secret = factor?.Trim().Replace(" ", "", StringComparison.Ordinal) ?? "";
        var expected = secret.Length == 4 ? dossier?.Phone[^4..] : dossier?.CitizenId;
        if (!FixedTimeEquals(secret, expected ?? "") || dossier is null || secret.Length is not (4 or 12))
        {
            if (claims.FirstOrDefault(c => c.Limit.Name == limits.DossierPerCode.Name) is { } claim && claim.Count == limits.DossierPerCode.Max)
            {
                // The code's last try this hour: officers see that someone is guessing at it.
                db.AuditLog.Add(new AuditEntry
                {
                    At = time.GetUtcNow(), Actor = "lookup", Action = "dossier.lookup-locked",
                    Subject = PersonalData.Mask(normalized), Details = $"{claim.Count} wrong second factors within an hour",
                });
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            return DossierLookup.NotFound;
        }
        foreach (var c in claims) await guard.ReleaseAsync(c, ct);

        var history = dossier.History.OrderBy(h => h.At).ThenBy(h => h.Id).ToList();
        return new DossierLookup(new DossierView(dossier.Code, dossier.ProcedureId, dossier.OfficeId, dossier.Status, dossier.UpdatedAt,
            dossier.ExpectedResultDate, history.LastOrDefault(h => h.Note is not null)?.Note, history));
    }

    private async Task<DossierLookup> LockedAsync(AbuseLimit limit, string subject, CancellationToken ct) =>
        new(null, true, await guard.RetryAfterAsync(limit, subject, ct));

    public async Task<Dossier> UpdateStatusAsync(string code, DossierStatus status, string? note, string by,
        DateOnly? expectedResultDate, CancellationToken ct)
    {
        if (!DossierCode.TryNormalize(code, out var normalized))
            throw new KeyNotFoundException("No dossier has that code.");
        var dossier = await db.Dossiers.FirstOrDefaultAsync(d => d.Code == normalized, ct)
            ?? throw new KeyNotFoundException("No dossier has that code.");
        ApplyStatus(dossier, status, note, by, time.GetUtcNow());
        if (expectedResultDate is not null) dossier.ExpectedResultDate = expectedResultDate;
        await db.SaveChangesAsync(ct);
        return dossier;
    }

    /// <summary>Rows one import may hold, on the page and through the API alike.</summary>
    public const int MaxImportRows = 5_000;
    /// <summary>Bytes one import may hold; read as a stream and stopped there.</summary>
    public const int MaxImportBytes = 2 * 1024 * 1024;
    /// <summary>
    /// One answer for a row outside the officer's offices, whether its office is another's or its code belongs to another
    /// office's dossier: the report never says which codes exist elsewhere.
    /// </summary>
    public const string OutOfScope = "this dossier cannot be imported for your offices";

    /// <summary>
    /// Upserts by code. Running the same batch twice changes nothing the second time; only a status change writes
    /// history and an outbox event. With <paramref name="dryRun"/> nothing is saved and the report says what would be.
    /// With a <paramref name="scope"/> (an officer's offices) rows touch only dossiers already in those offices or new
    /// ones created in them, and no dossier ever moves between offices; without one (the portal's import key, an admin)
    /// every office is reachable.
    /// </summary>
    public async Task<DossierImportReport> ImportAsync(IReadOnlyList<DossierImportRow> rows, bool dryRun, string by,
        CancellationToken ct, IReadOnlyCollection<string>? scope = null)
    {
        if (rows.Count > MaxImportRows) throw new ArgumentException($"At most {MaxImportRows} dossiers per import.");
        // An officer's import (dry run or not) answers "another office's" for a code that exists elsewhere: that is an
        // existence oracle no wording removes while officers may create new codes, so it is bounded and on the record.
        if (scope is not null && await guard.TryClaimAsync(ImportsPerStaff, by, ct) is null)
            throw new DossierImportLimitException(ImportsPerStaff.Max, ImportsPerStaff.Window);
        var errors = new List<DossierImportError>();
        int created = 0, updated = 0, unchanged = 0;
        var now = time.GetUtcNow();
        var offices = await db.Offices.Select(o => o.Id).ToListAsync(ct);
        var seen = new HashSet<string>();
        var fieldChanges = new List<AuditEntry>();

        db.ChangeTracker.Clear();
        // A dry run only reads: it must not hold SQLite's single writer while it walks a large batch.
        await using var tx = dryRun ? null : await db.BeginWriteAsync(ct);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var problem = Check(row, offices, out var code, out var phone, out var status, out var citizenId);
            if (problem is null && scope is not null && !scope.Contains(row.OfficeId!.Trim())) problem = OutOfScope;
            if (problem is null && !seen.Add(code)) problem = "the code appears twice in this batch";
            if (problem is not null)
            {
                errors.Add(new DossierImportError(i + 1, row.Code, problem));
                continue;
            }

            var existing = await db.Dossiers.FirstOrDefaultAsync(d => d.Code == code, ct);
            if (existing is not null && scope is not null && existing.OfficeId != row.OfficeId!.Trim())
            {
                // Another office's dossier (told apart from nothing: the same answer as another office's row), or one of
                // the officer's own being moved to their other office: neither happens through an import.
                errors.Add(new DossierImportError(i + 1, row.Code, scope.Contains(existing.OfficeId) ? "a dossier stays in the office that received it" : OutOfScope));
                continue;
            }
            if (existing is null)
            {
                var dossier = new Dossier
                {
                    Code = code,
                    ProcedureId = row.ProcedureId!.Trim(),
                    OfficeId = row.OfficeId!.Trim(),
                    ApplicantName = row.ApplicantName!.Trim(),
                    Phone = phone,
                    CitizenId = citizenId,
                    Status = status,
                    ReceivedAt = row.ReceivedAt ?? now,
                    ExpectedResultDate = row.ExpectedResultDate,
                    UpdatedAt = now,
                    Version = 1,
                };
                dossier.History.Add(new DossierEvent { Status = status, At = now, Note = row.Note, By = by });
                db.Dossiers.Add(dossier);
                created++;
                continue;
            }

            var changed = new List<string>();
            void Set<T>(string field, T current, T value, Action<T> assign, Func<T, string>? show = null)
            {
                if (EqualityComparer<T>.Default.Equals(current, value)) return;
                assign(value);
                // Old and new values masked: the audit log shows that a phone changed, not whose phone it is now.
                changed.Add(show is null ? field : $"{field}: {show(current)} → {show(value)}");
            }
            Set("procedure", existing.ProcedureId, row.ProcedureId!.Trim(), v => existing.ProcedureId = v, v => v);
            Set("office", existing.OfficeId, row.OfficeId!.Trim(), v => existing.OfficeId = v, v => v);
            Set("applicant name", existing.ApplicantName, row.ApplicantName!.Trim(), v => existing.ApplicantName = v);
            Set("phone", existing.Phone, phone, v => existing.Phone = v, VietnamesePhone.Mask);
            Set("citizen id", existing.CitizenId, citizenId, v => existing.CitizenId = v, CitizenId.Mask);
            Set("expected result date", existing.ExpectedResultDate, row.ExpectedResultDate, v => existing.ExpectedResultDate = v,
                v => v?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "–");
            if (changed.Count > 0)
                fieldChanges.Add(new AuditEntry { At = now, Actor = by, Action = "dossier.fields", Subject = code, Details = string.Join("; ", changed) });
            var statusChanged = existing.Status != status;
            if (statusChanged) ApplyStatus(existing, status, row.Note, by, now);
            else if (changed.Count > 0)
            {
                existing.UpdatedAt = now;
                existing.Version++;
            }
            if (statusChanged || changed.Count > 0) updated++;
            else unchanged++;
        }

        var report = new DossierImportReport(dryRun, created, updated, unchanged, errors);
        if (!dryRun)
        {
            db.AuditLog.AddRange(fieldChanges);
            db.AuditLog.Add(ImportAudit(report, by, now));
            await db.SaveChangesAsync(ct);
            await tx!.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return report;
        }
        db.ChangeTracker.Clear();
        db.AuditLog.Add(ImportAudit(report, by, now));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return report;
    }

    /// <summary>Reads the CSV import format: a header row naming the columns of <see cref="DossierImportRow"/>.</summary>
    /// <summary>Imports per officer per hour, dry runs included.</summary>
    public static readonly AbuseLimit ImportsPerStaff = new("dossier-import-staff", 20, TimeSpan.FromHours(1));

    private static AuditEntry ImportAudit(DossierImportReport r, string by, DateTimeOffset now) => new()
    {
        At = now, Actor = by, Action = r.DryRun ? "dossier.import-dry-run" : "dossier.import", Subject = by,
        Details = $"created {r.Created}, updated {r.Updated}, unchanged {r.Unchanged}, refused {r.Errors.Count}",
    };

    /// <summary>Reads at most <see cref="MaxImportRows"/> + 1 rows: a file over the limit is refused without being read whole.</summary>
    public static (List<DossierImportRow> Rows, List<DossierImportError> Errors) ParseCsv(TextReader reader)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().Replace("_", "", StringComparison.Ordinal).ToLowerInvariant(),
            MissingFieldFound = null,
            HeaderValidated = null,
            TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(reader, config);
        var rows = new List<DossierImportRow>();
        var errors = new List<DossierImportError>();
        if (!csv.Read() || !csv.ReadHeader())
        {
            errors.Add(new DossierImportError(0, null, "the file is empty: a header row is required"));
            return (rows, errors);
        }
        var required = new[] { "code", "procedureid", "officeid", "applicantname", "phone", "status" };
        var missing = required.Where(h => !csv.HeaderRecord!.Any(x => config.PrepareHeaderForMatch(new(x, 0)) == h)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(new DossierImportError(0, null, "missing columns: " + string.Join(", ", missing)));
            return (rows, errors);
        }
        string? Field(string name) => csv.TryGetField<string>(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;
        while (rows.Count <= MaxImportRows && csv.Read())
        {
            var line = csv.Parser.Row - 1;
            var received = Field("receivedat");
            var expected = Field("expectedresultdate");
            DateTimeOffset? receivedAt = null;
            DateOnly? expectedDate = null;
            if (received is not null)
            {
                if (DateTimeOffset.TryParse(received, CultureInfo.InvariantCulture, DateTimeStyles.None, out var r)) receivedAt = r;
                else { errors.Add(new DossierImportError(line, Field("code"), $"received_at '{received}' is not a date and time")); continue; }
            }
            if (expected is not null)
            {
                if (DateOnly.TryParseExact(expected, ["yyyy-MM-dd", "dd/MM/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) expectedDate = d;
                else { errors.Add(new DossierImportError(line, Field("code"), $"expected_result_date '{expected}' is not yyyy-MM-dd or dd/MM/yyyy")); continue; }
            }
            rows.Add(new DossierImportRow(Field("code"), Field("procedureid"), Field("officeid"), Field("applicantname"),
                Field("phone"), Field("citizenid"), Field("status"), receivedAt, expectedDate, Field("note")));
        }
        return (rows, errors);
    }

    private void ApplyStatus(Dossier dossier, DossierStatus status, string? note, string by, DateTimeOffset now)
    {
        dossier.Status = status;
        dossier.UpdatedAt = now;
        dossier.Version++;
        db.DossierEvents.Add(new DossierEvent { DossierCode = dossier.Code, Status = status, At = now, Note = note, By = by });
        db.Outbox.Add(OutboxMessage.From(new DossierStatusChanged(dossier.Code, status.ToWire(), note, dossier.Version), now));
    }

    private static string? Check(DossierImportRow row, List<string> offices, out string code, out string phone,
        out DossierStatus status, out string? citizenId)
    {
        phone = "";
        status = default;
        citizenId = CitizenId.Clean(row.CitizenId);
        if (!DossierCode.TryNormalize(row.Code, out code)) return "code is not a portal dossier code (e.g. 000.00.12.H55-240930-0101)";
        if (string.IsNullOrWhiteSpace(row.ProcedureId)) return "procedure_id is required";
        if (string.IsNullOrWhiteSpace(row.OfficeId) || !offices.Contains(row.OfficeId.Trim())) return $"office_id '{row.OfficeId}' is not a known office";
        if (string.IsNullOrWhiteSpace(row.ApplicantName) || row.ApplicantName.Length > 200) return "applicant_name is required (at most 200 characters)";
        if (!VietnamesePhone.TryNormalize(row.Phone, out phone)) return "phone is not a Vietnamese mobile number";
        if (citizenId is not null && !CitizenId.IsValid(citizenId)) return "citizen_id must have 12 digits starting with a province code";
        if (!DossierStatuses.TryParse(row.Status, out status)) return $"status must be one of: {DossierStatuses.AllNames}";
        return null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

public sealed class DossierImportLimitException(int max, TimeSpan window)
    : Exception($"At most {max} imports per {window.TotalMinutes:F0} minutes; try again later.")
{
    public int Max => max;
}
