namespace Messaging.Core.Procedures;

/// <summary>
/// What a citizen reads about a procedure, in their language: the papers to bring (a paper only some people need says
/// so, "… (nếu làm cho người dưới 14 tuổi)"), the forms the officer prints kept apart, the short notes, and a cautious
/// word on figures an admin has not yet checked. One place, so the bot's answer, the booking confirmation and the
/// reminders say the same.
/// </summary>
public static class ProcedureText
{
    public static string Title(Procedure p, string locale) => En(locale) ? p.TitleEn : p.Title;

    /// <summary>Papers the citizen brings: staff forms left out, conditions spelled out.</summary>
    public static List<string> ToBring(Procedure? p, string locale) =>
        p?.Documents?.Where(d => !d.StaffForm).Select(d => Line(d, locale)).ToList() ?? [];

    /// <summary>Forms the officer prints at the desk for the citizen to check and sign.</summary>
    public static List<string> StaffForms(Procedure? p, string locale) =>
        p?.Documents?.Where(d => d.StaffForm).Select(d => En(locale) ? d.NameEn ?? d.Name : d.Name).ToList() ?? [];

    public static List<string> Tips(Procedure? p, string locale) =>
        p?.Tips.Select(t => En(locale) ? t.TextEn ?? t.Text : t.Text).ToList() ?? [];

    /// <summary>Whether a field ("fee", "processing_time", "documents"…) has figures an admin still has to check.</summary>
    public static bool Unchecked(Procedure? p, string field) =>
        p?.Verify.Any(v => v.Field.Split('.')[0] == field) == true;

    public static string Where(Procedure p, string locale) => En(locale) ? p.Where?.OfficesEn ?? p.Where?.Offices ?? "" : p.Where?.Offices ?? "";

    public static string Online(Procedure p, string locale) => En(locale) ? p.Where?.OnlineEn ?? p.Where?.Online ?? "" : p.Where?.Online ?? "";

    private static string Line(ProcedureDocument d, string locale)
    {
        var en = En(locale);
        var name = en ? d.NameEn ?? d.Name : d.Name;
        var condition = en ? d.ConditionEn ?? d.Condition : d.Condition;
        var note = en ? d.NoteEn ?? (d.NameEn is null ? d.Note : null) : d.Note;
        var parts = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(condition)) parts.Add(Lower(condition.Trim().TrimEnd('.')));
        if (!string.IsNullOrWhiteSpace(note)) parts.Add(parts.Count > 0 ? Lower(note.Trim().TrimEnd('.')) : note.Trim().TrimEnd('.'));
        return parts.Count == 0 ? name : $"{name} ({string.Join("; ", parts)})";
    }

    // "Nếu làm cho …" reads as a clause inside the parentheses.
    private static string Lower(string s) => s.Length > 0 && char.IsUpper(s[0]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    private static bool En(string locale) => locale.StartsWith("en", StringComparison.OrdinalIgnoreCase);
}
