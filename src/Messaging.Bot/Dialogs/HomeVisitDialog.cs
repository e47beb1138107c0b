using System.Globalization;
using System.Text.RegularExpressions;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.HomeVisits;
using Messaging.Core.Persistence;
using Messaging.Core.Procedures;
using Messaging.Language.Entities;
using Messaging.Language.Text;

namespace Messaging.Bot.Dialogs;

/// <summary>
/// A request that officers come to the home to take an identity-card application ("làm căn cước tại nhà cho mẹ tôi 85
/// tuổi"): consent to the personal (and health) data first, then who the person is, why they cannot travel, the office
/// and the address in its area, a phone (proved like a booking's), the days that suit, a summary and a confirmation.
/// Whatever the first message already says (the relative, the age, the reason, the office, a phone, a day) is taken.
/// </summary>
public sealed partial class HomeVisitDialog : Dialog
{
    /// <summary>Consent given once in a conversation covers a second request in it.</summary>
    private const string ConsentMemory = "home-visit-consent";
    private const int DaysOffered = 5;

    public override string Name => DialogNames.HomeVisit;

    public override Task<bool> ContinueAsync(TurnContext t, DialogFrame f, CancellationToken ct)
    {
        // The engine clears the pending prompt before calling; which question this message answers is kept here.
        var asked = f.Get("asked");
        f.Set("asked", null);
        Absorb(t, f, asked);
        return StepAsync(t, f, ct);
    }

    private static async Task<bool> StepAsync(TurnContext t, DialogFrame f, CancellationToken ct)
    {
        var en = t.Locale == "en";
        if (f.Get("consent") is null && t.State.Memory.GetValueOrDefault(ConsentMemory) == "yes") f.Set("consent", "yes");
        switch (f.Get("consent"))
        {
            case null:
                await AskAsync(t, f, "consent", PromptKind.Confirm, "bot/home-visit.consent", null,
                    [new("yes", en ? "I agree" : "Đồng ý"), new("no", en ? "I do not agree" : "Không đồng ý")], ct: ct);
                return false;
            case not "yes":
                // Nothing more is asked, and what the first message said goes with the dialog.
                await t.SayAsync("bot/home-visit.no-consent", actions: Menu.Actions(t.Locale), ct: ct);
                return true;
        }
        t.State.Memory[ConsentMemory] = "yes";

        var relation = f.Get("relation");
        if (relation is null)
        {
            await AskAsync(t, f, "relation", PromptKind.Text, "bot/home-visit.ask-relation", null,
                [new("self", en ? "For myself" : "Cho bản thân"), new("relative", en ? "For a relative" : "Cho người thân")], ct: ct);
            return false;
        }
        var forSelf = relation == "self";
        var person = f.Get("person");
        if (!forSelf && person is null)
        {
            await AskAsync(t, f, "person", PromptKind.Text, "bot/home-visit.ask-person", null, ct: ct);
            return false;
        }
        var who = Who(forSelf, person, t.Locale);
        if (!forSelf && f.Get("age") is null)
        {
            await AskAsync(t, f, "age", PromptKind.Text, "bot/home-visit.ask-age", who, ct: ct);
            return false;
        }
        int? age = int.TryParse(f.Get("age"), NumberStyles.None, CultureInfo.InvariantCulture, out var years) ? years : null;

        var name = f.Get("name") ?? (forSelf ? t.State.Memory.GetValueOrDefault("name") : null);
        if (name is null)
        {
            await AskAsync(t, f, "name", PromptKind.Name, "bot/home-visit.ask-name", who, ct: ct);
            return false;
        }
        f.Set("name", name);

        if (!Enum.TryParse<HomeVisitReason>(f.Get("reason"), true, out var reason))
        {
            await AskAsync(t, f, "reason", PromptKind.Text, "bot/home-visit.ask-reason", who, ReasonChoices(t.Locale), ct: ct);
            return false;
        }
        if (reason == HomeVisitReason.Other && f.Get("reason-note") is null)
        {
            await AskAsync(t, f, "reason-note", PromptKind.Text, "bot/home-visit.ask-reason-note", who, ct: ct);
            return false;
        }

        var db = t.Service<MessagingDbContext>();
        var offices = (await t.Service<OfficeDirectory>().AllAsync(db, ct)).Where(HomeVisitService.TakesHomeVisits).ToList();
        var office = offices.FirstOrDefault(o => o.Id == f.Get("office"));
        if (office is null)
        {
            f.Set("office", null);
            await AskAsync(t, f, "office", PromptKind.Choice, "bot/home-visit.ask-office", who,
                offices.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => new Choice(o.Id, OfficeNames.For(o.Name, t.Locale))).ToList(),
                acceptsEntity: EntityTypes.Office, ct: ct);
            return false;
        }
        t.State.Memory["office"] = office.Id;
        var area = Area(office, t.Locale);

        var address = f.Get("address");
        if (address is null)
        {
            if (f.Get("address-bad") is not null)
            {
                f.Set("address-bad", null);
                await t.SayAsync("bot/home-visit.address-unclear", ct: ct);
            }
            await AskAsync(t, f, "address", PromptKind.Text, "bot/home-visit.ask-address", new { who.Who, who.Whose, area }, ct: ct);
            return false;
        }
        if (f.Get("area") is null)
        {
            var named = f.Get("address-office");
            if (InArea(address, office) && (named is null || named == office.Id))
            {
                f.Set("area", "matched");
            }
            else
            {
                // The data hold the commune's name and its older names, not its villages: an address that names neither is
                // the citizen's word to confirm, and the officer sees it was not matched.
                var other = named is not null && named != office.Id ? offices.FirstOrDefault(o => o.Id == named) : null;
                await AskAsync(t, f, "area", PromptKind.Confirm, "bot/home-visit.address-check",
                    new { address, area, other_office = other is null ? "" : OfficeNames.For(other.Name, t.Locale) },
                    [
                        new("yes", (en ? "Yes, in " : "Đúng, thuộc ") + area),
                        new("retype", en ? "Type it again" : "Nhập lại địa chỉ"),
                        new("other-office", en ? "Another commune" : "Chọn xã, phường khác"),
                    ], ct: ct);
                return false;
            }
        }
        switch (f.Get("area"))
        {
            case "retype":
                f.Set("address", null);
                f.Set("area", null);
                f.Set("address-office", null);
                return await StepAsync(t, f, ct);
            case "no" or "other-office":
                // Officers visit homes in their own area: the request belongs to the office where the person lives.
                f.Set("office", null);
                f.Set("address", null);
                f.Set("area", null);
                f.Set("address-office", null);
                return await StepAsync(t, f, ct);
        }

        var phone = f.Get("phone") ?? t.State.Memory.GetValueOrDefault("phone");
        if (phone is null)
        {
            await AskAsync(t, f, "phone", PromptKind.Phone, "bot/home-visit.ask-phone", null, ct: ct);
            return false;
        }
        f.Set("phone", phone);
        if (f.Get("code") == "change-phone")
        {
            f.Set("code", null);
            f.Set("phone", null);
            t.State.Memory.Remove("phone");
            await AskAsync(t, f, "phone", PromptKind.Phone, "bot/home-visit.ask-phone", null, ct: ct);
            return false;
        }
        var proof = await PhoneProof.CheckAsync(t, f, phone, ct);
        if (proof == PhoneProof.Outcome.Asked) return false;
        if (proof == PhoneProof.Outcome.Stopped) return true;

        var days = f.Get("days");
        if (days is null)
        {
            var from = OfficeTime.LocalDate(t.Now, office.TimeZoneId).AddDays(1);
            var choices = WorkingDays(office, from, DaysOffered)
                .Select(d => new Choice(DateRecognizer.Iso(d), BotFormat.DayTitle(d, t.Locale)))
                .Append(new Choice("any", en ? "Any day" : "Ngày nào cũng được")).ToList();
            await AskAsync(t, f, "days", PromptKind.Text, "bot/home-visit.ask-days", new { office = OfficeNames.For(office.Name, t.Locale) },
                choices, ct: ct);
            return false;
        }

        switch (f.Get("confirm"))
        {
            case null:
                await AskAsync(t, f, "confirm", PromptKind.Confirm, "bot/home-visit.confirm", new
                {
                    name,
                    who_note = forSelf ? "" : who.Who,
                    age = age?.ToString(CultureInfo.InvariantCulture) ?? "",
                    reason = HomeVisitReasons.Label(reason, t.Locale),
                    reason_note = f.Get("reason-note") ?? "",
                    address,
                    office = OfficeNames.For(office.Name, t.Locale),
                    phone = VietnamesePhone.Mask(phone),
                    days = DaysLabel(days, t.Locale),
                }, [new("yes", en ? "Send the request" : "Gửi yêu cầu"), new("no", en ? "Cancel" : "Hủy")], ct: ct);
                return false;
            case "no":
                await t.SayAsync("bot/cancelled", actions: Menu.Actions(t.Locale), ct: ct);
                return true;
        }

        try
        {
            var visit = await t.Service<HomeVisitService>().CreateAsync(new HomeVisitInput(office.Id, name, reason, address, phone,
                ForSelf: forSelf, Relation: forSelf ? null : person, PersonAge: age, ReasonNote: f.Get("reason-note"),
                AddressMatched: f.Get("area") == "matched", PreferredDays: days, ProcedureId: f.Get("procedure"),
                Channel: t.ChannelId, ChannelUserId: t.UserId, Locale: t.Locale, IdempotencyKey: t.TurnKey,
                PhoneVerified: proof == PhoneProof.Outcome.Proved, ClientKey: t.Identity.ClientKey), ct);
            if (forSelf) t.State.Memory["name"] = name;
            t.State.Memory["phone"] = phone;
            var knowledge = t.Service<ProcedureCatalog>().Find(HomeVisitService.KnowledgeId);
            await t.SayAsync("bot/home-visit.created", new
            {
                code = visit.Code,
                office = new { name = OfficeNames.For(office.Name, t.Locale), phone = office.Phone ?? "" },
                documents = ProcedureText.ToBring(knowledge, t.Locale),
            }, ct: ct);
            return true;
        }
        catch (HomeVisitException e) when (e.Error is HomeVisitError.OpenLimitReached or HomeVisitError.DailyLimitReached
            or HomeVisitError.PhoneNotVerified)
        {
            await t.SayAsync("bot/home-visit.limit", new
            {
                open = e.Error == HomeVisitError.OpenLimitReached,
                office = new { name = OfficeNames.For(office.Name, t.Locale), phone = office.Phone ?? "" },
            }, actions: Menu.Actions(t.Locale), ct: ct);
            return true;
        }
        catch (HomeVisitException e) when (e.Error is HomeVisitError.InvalidName or HomeVisitError.InvalidAddress or HomeVisitError.InvalidPhone
            or HomeVisitError.UnknownOffice)
        {
            // The service's rules are stricter than the prompts in places: ask again for what it refused.
            f.Set("confirm", null);
            switch (e.Error)
            {
                case HomeVisitError.InvalidName:
                    f.Set("name", null);
                    if (forSelf) t.State.Memory.Remove("name");
                    break;
                case HomeVisitError.InvalidAddress:
                    f.Set("address", null);
                    f.Set("area", null);
                    break;
                case HomeVisitError.InvalidPhone:
                    f.Set("phone", null);
                    t.State.Memory.Remove("phone");
                    break;
                default:
                    f.Set("office", null);
                    f.Set("area", null);
                    break;
            }
            return await StepAsync(t, f, ct);
        }
    }

    private static Task AskAsync(TurnContext t, DialogFrame f, string slot, PromptKind kind, string template, object? model,
        IReadOnlyList<Choice>? choices = null, string? acceptsEntity = null, CancellationToken ct = default)
    {
        f.Set("asked", slot);
        return t.PromptAsync(f, slot, kind, template, model, choices, acceptsEntity, ct);
    }

    /// <summary>How the bot names the person: "anh/chị" or "mẹ anh/chị"; in English "you"/"your", "your mother"/"your mother's".</summary>
    private sealed record WhoModel(string Who, string Whose);

    private static WhoModel Who(bool forSelf, string? person, string locale)
    {
        if (locale == "en")
            return forSelf ? new("you", "your") : new("your " + (person ?? "relative"), "your " + (person ?? "relative") + "'s");
        var named = forSelf ? "anh/chị" : (person ?? "người thân") + " anh/chị";
        return new(named, named);
    }

    private static List<Choice> ReasonChoices(string locale) =>
        [.. Enum.GetValues<HomeVisitReason>().Select(r => new Choice(r.ToString().ToLowerInvariant(), HomeVisitReasons.Label(r, locale)))];

    /// <summary>"xã Tịnh Hà" from "Công an xã Tịnh Hà"; "Tịnh Hà Commune" in English.</summary>
    private static string Area(Office office, string locale)
    {
        const string prefix = "Công an ";
        if (locale == "en")
        {
            var english = OfficeNames.English(office.Name);
            return english.EndsWith(" Police", StringComparison.Ordinal) ? english[..^" Police".Length] : office.Commune;
        }
        return office.Name.StartsWith(prefix, StringComparison.Ordinal) ? office.Name[prefix.Length..] : office.Commune;
    }

    /// <summary>The address names the office's commune, or one of the office's other names (a former town), as whole words.</summary>
    private static bool InArea(string address, Office office)
    {
        var words = Words(address);
        return office.Aliases.Prepend(office.Commune).Select(Words).Any(n => n.Trim().Length > 0 && words.Contains(n, StringComparison.Ordinal));
    }

    private static string Words(string text) =>
        " " + string.Join(' ', NonWord().Split(Folding.Fold(text)).Where(w => w.Length > 0)) + " ";

    /// <summary>The next days the office works (its weekly hours, less its closures), from <paramref name="from"/>.</summary>
    private static List<DateOnly> WorkingDays(Office office, DateOnly from, int count)
    {
        var days = new List<DateOnly>(count);
        for (var d = from; days.Count < count && d < from.AddDays(30); d = d.AddDays(1))
        {
            if (office.Hours.Any(h => h.Day == d.DayOfWeek) && !office.Closures.Any(c => c.Date == d)) days.Add(d);
        }
        return days;
    }

    private static readonly string[] ViDays = ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];

    /// <summary>What the summary says for the stored preference: a day, "any day", or the citizen's own words.</summary>
    public static string DaysLabel(string days, string locale)
    {
        if (days == "any") return locale == "en" ? "any day" : "ngày nào cũng được";
        if (DateRecognizer.FromIso(days) is not { } d) return days;
        var name = locale == "en" ? d.DayOfWeek.ToString() : ViDays[(int)d.DayOfWeek];
        return name + ", " + d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Takes what the message says. The first message gives whatever it holds; an answer gives what its question asked
    /// for (and a phone or a name typed along the way), so an address naming a commune never silently changes the office.
    /// </summary>
    private static void Absorb(TurnContext t, DialogFrame f, string? asked)
    {
        var first = f.Get("started") is null;
        f.Set("started", "1");
        var text = t.Text.Trim();
        if (t.Entity(EntityTypes.Phone) is { } phone && asked is not null) f.Set("phone", phone);
        if (f.Get("name") is null && PromptAnswers.NameInSentence(text) is { } said) f.Set("name", said);
        switch (asked)
        {
            case null when first:
                if (t.Entity(EntityTypes.Procedure) is { } procedure && HomeVisitService.CardProcedures.Contains(procedure)) f.Set("procedure", procedure);
                if (t.Entity(EntityTypes.Office) is { } office) f.Set("office", office);
                if (t.Entity(EntityTypes.Phone) is { } given) f.Set("phone", given);
                if (Day(t) is { } day) f.Set("days", day);
                TakePerson(t, f, text);
                break;
            case "relation":
                if (f.Get("relation") is "self" or "relative") break;
                if (Kin(text) is { } kin)
                {
                    f.Set("relation", "relative");
                    f.Set("person", kin);
                }
                else
                {
                    f.Set("relation", IsSelf(text) ? "self" : "relative");
                    if (f.Get("relation") == "relative") f.Set("person", Person(text));
                }
                TakeAgeAndReason(f, text);
                break;
            case "person":
                f.Set("person", Kin(text) ?? Person(text));
                TakeAgeAndReason(f, text);
                break;
            case "age":
                f.Set("age", Age(text) ?? FirstNumber(text) ?? "?");
                break;
            case "reason":
                if (f.Get("reason") is "elderly" or "illness" or "disability" or "other") break;
                // "1"…"4" picks a button by its place, as people answer numbered lists.
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var place) && place is >= 1 and <= 4)
                {
                    f.Set("reason", ((HomeVisitReason)(place - 1)).ToString());
                    break;
                }
                var inferred = ReasonIn(text);
                f.Set("reason", (inferred ?? HomeVisitReason.Other).ToString());
                if (inferred is null) f.Set("reason-note", Cut(text, 200));
                break;
            case "reason-note":
                f.Set("reason-note", Cut(text, 200));
                break;
            case "address":
                var cleaned = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (cleaned.Length < 6 || !cleaned.Any(char.IsLetter))
                {
                    f.Set("address", null);
                    f.Set("address-bad", "1");
                    break;
                }
                f.Set("address", Cut(cleaned, 300));
                f.Set("address-office", t.Entity(EntityTypes.Office));
                break;
            case "days":
                var picked = f.Get("days");
                if (picked == "any" || DateRecognizer.FromIso(picked) is not null) break;
                f.Set("days", Day(t) ?? Cut(text, 200));
                break;
        }
    }

    private static void TakePerson(TurnContext t, DialogFrame f, string text)
    {
        if (Kin(text) is { } kin)
        {
            f.Set("relation", "relative");
            f.Set("person", kin);
        }
        TakeAgeAndReason(f, text);
    }

    private static void TakeAgeAndReason(DialogFrame f, string text)
    {
        if (f.Get("age") is null && Age(text) is { } age) f.Set("age", age);
        if (f.Get("reason") is null && ReasonIn(text) is { } reason) f.Set("reason", reason.ToString());
    }

    /// <summary>A day the message names, from tomorrow on, as yyyy-MM-dd.</summary>
    private static string? Day(TurnContext t) =>
        t.Entity(EntityTypes.Date) is { } d && DateRecognizer.FromIso(d) is { } date
            && date > OfficeTime.LocalDate(t.Now, OfficeTime.DefaultTimeZoneId)
            ? d
            : null;

    /// <summary>
    /// "mẹ tôi", "bà em", "ông nội", "cho mẹ" → the kin word as typed ("mẹ", "bà", "ông nội"), so the bot can say "mẹ anh/chị".
    /// Read on the folded text; the word is taken from the original when folding kept the positions.
    /// </summary>
    public static string? Kin(string text)
    {
        var folded = Folding.Fold(text);
        foreach (var m in Possessive().Matches(folded).Concat(ForKin().Matches(folded)))
        {
            var g = m.Groups["kin"];
            var word = folded.Length == text.Length ? text.Substring(g.Index, g.Length).ToLowerInvariant() : g.Value;
            // Folding makes "mà", "có", "đi" look like "má", "cô", "dì": typed with marks, only a kin word counts; typed
            // without, the words that are more often something else do not.
            var marked = word != g.Value;
            if (marked ? KinWords.Contains(word) : !AmbiguousPlain.Contains(word)) return word;
        }
        return null;
    }

    private static readonly HashSet<string> KinWords =
    [
        "mẹ", "má", "bố", "ba", "bà", "cha", "tía", "ông", "vợ", "chồng", "con", "cháu", "bác", "chú", "cô", "dì", "cậu", "mợ",
        "thím", "anh", "chị", "em", "cụ", "ông nội", "ông ngoại", "bà nội", "bà ngoại", "cụ nội", "cụ ngoại", "người nhà", "người thân",
    ];

    private static readonly HashSet<string> AmbiguousPlain = ["ma", "co", "di", "mo", "cau", "cu"];

    private static readonly HashSet<string> SelfAnswers =
        ["toi", "tui", "minh", "em", "cho toi", "cho tui", "cho minh", "cho em", "ban than", "cho ban than", "chinh toi", "la toi",
         "myself", "for myself", "self", "for me"];

    private static bool IsSelf(string text) => SelfAnswers.Contains(Words(text).Trim()) || Words(text).Contains(" ban than ", StringComparison.Ordinal);

    /// <summary>A relative described in the citizen's words, without the age and without a trailing "tôi"/"em" ("bác hàng xóm").</summary>
    private static string Person(string text)
    {
        var withoutAge = AgePhrase().Replace(text, "");
        var trimmed = withoutAge.Trim(' ', ',', '.', ';', ':', '-');
        var folded = Folding.Fold(trimmed);
        var tail = TrailingPronoun().Match(folded);
        if (tail.Success && folded.Length == trimmed.Length) trimmed = trimmed[..tail.Index].TrimEnd(' ', ',');
        trimmed = Cut(trimmed, 100);
        return trimmed.Length >= 2 ? trimmed.ToLowerInvariant() : "người thân";
    }

    /// <summary>"85 tuổi", "85t", "85 years old" → "85".</summary>
    private static string? Age(string text)
    {
        var m = AgeNumber().Match(Folding.Fold(text));
        return m.Success && int.TryParse(m.Groups["age"].Value, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 130
            ? n.ToString(CultureInfo.InvariantCulture)
            : null;
    }

    private static string? FirstNumber(string text)
    {
        var m = Number().Match(text);
        return m.Success && int.TryParse(m.Value, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 130
            ? n.ToString(CultureInfo.InvariantCulture)
            : null;
    }

    private static readonly string[] DisabilityWords =
        ["khuyet tat", "tan tat", "xe lan", "khiem thi", "mu loa", "bai liet", "disabled", "disability", "wheelchair", "blind"];
    private static readonly string[] IllnessWords =
        ["liet", "liet giuong", "nam mot cho", "nam 1 cho", "om", "om nang", "benh", "tai bien", "dot quy", "ung thu", "nam vien",
         "gay chan", "bo bot", "chay than", "sau mo", "ill", "sick", "bedridden", "stroke"];
    private static readonly string[] ElderlyWords =
        ["gia yeu", "gia roi", "gia lam", "gia ca", "cao tuoi", "tuoi cao", "lon tuoi", "nguoi gia", "tuoi gia", "old age", "too old", "elderly", "frail"];

    /// <summary>The reason the words give, a disability before an illness before old age; null when they name none.</summary>
    public static HomeVisitReason? ReasonIn(string text)
    {
        var words = Words(text);
        bool Any(string[] list) => list.Any(w => words.Contains(" " + w + " ", StringComparison.Ordinal));
        return Any(DisabilityWords) ? HomeVisitReason.Disability
            : Any(IllnessWords) ? HomeVisitReason.Illness
            : Any(ElderlyWords) ? HomeVisitReason.Elderly
            : null;
    }

    private static string Cut(string value, int max) => value.Length > max ? value[..max] : value;

    [GeneratedRegex(@"(?<![\p{L}\d])(?<kin>(?:ong|ba|cu)\s+(?:noi|ngoai)|(?:me|ma|bo|ba|cha|tia|ong|cu|vo|chong|con|chau|bac|chu|co|di|cau|mo|thim|anh|chi|em)(?=\s+(?:toi|tui|em|minh|tao|con|chau)(?![\p{L}\d]))|nguoi\s+nha|nguoi\s+than|(?<=my\s+)(?:mother|father|grandmother|grandfather|grandma|grandpa|mum|mom|dad|wife|husband|son|daughter|parents))(?![\p{L}\d])")]
    private static partial Regex Possessive();

    [GeneratedRegex(@"(?<![\p{L}\d])cho\s+(?<kin>me|bo|ba|ong|cha|ma|vo|chong|cu)(?![\p{L}\d])")]
    private static partial Regex ForKin();

    [GeneratedRegex(@"(?<!\d)(?<age>\d{1,3})\s*(?:tuoi|t|years?\s+old|yo)(?![\p{L}\d])")]
    private static partial Regex AgeNumber();

    [GeneratedRegex(@",?\s*(?<!\d)\d{1,3}\s*(?:tuổi|tuoi|t|years?\s+old|yo)(?![\p{L}\d])", RegexOptions.IgnoreCase)]
    private static partial Regex AgePhrase();

    [GeneratedRegex(@"\s+(?:cua\s+)?(?:toi|tui|em|minh|tao)$")]
    private static partial Regex TrailingPronoun();

    [GeneratedRegex(@"\d{1,3}")]
    private static partial Regex Number();

    [GeneratedRegex(@"[^\p{L}\d]+")]
    private static partial Regex NonWord();
}
