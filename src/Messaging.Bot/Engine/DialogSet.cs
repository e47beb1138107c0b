using System.Globalization;
using Messaging.Bot.Activities;
using Messaging.Core.Appointments;
using Messaging.Language.Entities;
using Messaging.Language.Intents;

namespace Messaging.Bot.Engine;

public static class DialogNames
{
    public const string Booking = "booking";
    public const string QueuePosition = "queue-position";
    public const string Cancel = "cancel";
    public const string Reschedule = "reschedule";
    public const string Dossier = "dossier";
    public const string ProcedureInfo = "procedure-info";
    public const string OfficeInfo = "office-info";
    public const string Greeting = "greeting";
    public const string Help = "help";
    public const string Thanks = "thanks";
    public const string OutOfScope = "out-of-scope";
    public const string Clarify = "clarify";
    public const string Handoff = "handoff";
    public const string Preferences = "preferences";
    public const string HomeVisit = "home-visit";

    public static string ForIntent(string intent) => intent switch
    {
        IntentNames.BookAppointment => Booking,
        IntentNames.QueuePosition => QueuePosition,
        IntentNames.CancelAppointment => Cancel,
        IntentNames.RescheduleAppointment => Reschedule,
        IntentNames.DossierStatus => Dossier,
        IntentNames.ProcedureInfo => ProcedureInfo,
        IntentNames.OfficeInfo => OfficeInfo,
        IntentNames.Greeting => Greeting,
        IntentNames.Help => Help,
        IntentNames.Thanks => Thanks,
        IntentNames.Handoff => Handoff,
        IntentNames.OutOfScope => OutOfScope,
        IntentNames.HomeVisit => HomeVisit,
        _ => Help,
    };

    /// <summary>
    /// A message full of values (place, day, time, phone) with booking words in it is a booking, even when its values
    /// outweigh its words for the classifier.
    /// </summary>
    private static bool LooksLikeBooking(TurnContext t) =>
        t.Nlu.Ranking.Any(r => r.Name == IntentNames.BookAppointment && r.Confidence >= 0.15) || Says(t, BookingWords);

    private static readonly string[] BookingWords = [" dat lich ", " dang ky lich "];
    private static readonly string[] ExplicitBookingWords = [.. BookingWords, " lay so ", " hen lich ", " dat hen ", " book "];

    private static bool Says(TurnContext t, string[] phrases)
    {
        var padded = " " + t.Folded + " ";
        return phrases.Any(w => padded.Contains(w, StringComparison.Ordinal));
    }

    /// <summary>Words only a question about one's place in today's queue uses (folded, abbreviations expanded).</summary>
    private static readonly string[] QueueWords =
    [
        " toi luot ", " den luot ", " may nguoi nua ", " bao nhieu nguoi nua ", " may nguoi truoc ", " bao nhieu nguoi truoc ",
        " may so nua ", " bao nhieu so nua ", " goi toi so may ", " goi den so may ", " hang cho ", " my turn ", " ahead of me ",
    ];

    /// <summary>Booking said in so many words: no need to ask whether a booking is meant.</summary>
    private static bool SaysBook(TurnContext t) => Says(t, ExplicitBookingWords);

    /// <summary>
    /// A bare value with no dialog running ("000.00.12.H55-240930-0101", "hộ chiếu") is read by what it is: a dossier
    /// code asks for the status, a procedure asks about it, an office asks where it is.
    /// </summary>
    public static string ForTurn(TurnContext t) => t.Intent switch
    {
        // "Còn mấy người nữa tới lượt?" in so many words is about the queue, whatever else the model hesitates over.
        _ when Says(t, QueueWords) && !Says(t, BookingWords) => QueuePosition,
        // The home-visit entry named with a wish to have it done ("đặt lịch làm căn cước tại nhà cho ba"): a home visit,
        // whatever booking words come with it; a question about it ("… cần gì?") stays a question.
        _ when t.Entity(EntityTypes.Procedure) == Messaging.Core.HomeVisits.HomeVisitService.KnowledgeId
            && t.Intent is IntentNames.BookAppointment or IntentNames.HomeVisit or IntentNames.Inform => HomeVisit,
        // Unsure between tasks: ask which, rather than guess or refuse.
        _ when t.Nlu.Doubts.Count >= 2 && !(t.Intent == IntentNames.BookAppointment && SaysBook(t)) => Clarify,
        IntentNames.Inform or IntentNames.Affirm or IntentNames.Deny =>
            LooksLikeBooking(t) ? Booking
            : t.Entity(EntityTypes.DossierCode) is not null ? Dossier
            : t.Entity(EntityTypes.Procedure) is not null ? ProcedureInfo
            : t.Entity(EntityTypes.Office) is not null ? OfficeInfo
            : PromptAnswers.BookingCodeIn(t.Text) is not null ? Cancel
            : Help,
        _ => ForIntent(t.Intent),
    };
}

/// <summary>The dialogs by name.</summary>
public sealed class DialogSet(IEnumerable<Dialog> dialogs)
{
    private readonly Dictionary<string, Dialog> _byName = dialogs.ToDictionary(d => d.Name);

    public Dialog Get(string name) => _byName.TryGetValue(name, out var d) ? d : throw new InvalidOperationException($"No dialog {name}.");
}

/// <summary>The main menu, shown with help, after a cancel and when the bot cannot help.</summary>
public static class Menu
{
    public static IReadOnlyList<CardAction> Actions(string locale) => locale == "en"
        ?
        [
            new(ActionTypes.ImBack, "Book an appointment", "book an appointment"),
            new(ActionTypes.ImBack, "Dossier status", "check my dossier"),
            new(ActionTypes.ImBack, "Procedures", "what papers do I need"),
            new(ActionTypes.ImBack, "Cancel or move a booking", "cancel my appointment"),
            new(ActionTypes.ImBack, "Talk to an officer", "talk to an officer"),
        ]
        :
        [
            new(ActionTypes.ImBack, "Đặt lịch hẹn", "đặt lịch hẹn"),
            new(ActionTypes.ImBack, "Tra cứu hồ sơ", "tra cứu hồ sơ"),
            new(ActionTypes.ImBack, "Hỏi thủ tục", "làm thủ tục cần giấy tờ gì"),
            new(ActionTypes.ImBack, "Hủy hoặc đổi lịch", "hủy lịch hẹn"),
            new(ActionTypes.ImBack, "Gặp cán bộ", "gặp cán bộ"),
        ];
}

/// <summary>Button titles and values for days and slots, in the conversation's language.</summary>
public static class BotFormat
{
    private static readonly string[] ViDays = ["CN", "T2", "T3", "T4", "T5", "T6", "T7"];

    public static string DayTitle(DateOnly date, string locale) =>
        (locale == "en" ? date.DayOfWeek.ToString()[..3] : ViDays[(int)date.DayOfWeek]) + " " + date.ToString("dd/MM", CultureInfo.InvariantCulture);

    public static string SlotValue(Slot s) => $"slot|{s.Start:O}|{s.SessionId}";

    public static (DateTimeOffset Start, Guid? Session)? ParseSlot(string? value)
    {
        var parts = value?.Split('|');
        if (parts is not { Length: 3 } || parts[0] != "slot" || !DateTimeOffset.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var start))
            return null;
        return (start, Guid.TryParse(parts[2], out var g) ? g : null);
    }

    public static string SlotTitle(Slot s) => OfficeTime.ToLocal(s.Start, null).ToString("HH:mm", CultureInfo.InvariantCulture) + (s.SessionId is null ? "" : " *");
}
