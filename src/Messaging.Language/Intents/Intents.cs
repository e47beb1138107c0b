namespace Messaging.Language.Intents;

/// <summary>The intents the bot understands.</summary>
public static class IntentNames
{
    public const string BookAppointment = "book_appointment";
    public const string CancelAppointment = "cancel_appointment";
    public const string RescheduleAppointment = "reschedule_appointment";
    public const string DossierStatus = "dossier_status";
    public const string ProcedureInfo = "procedure_info";
    public const string OfficeInfo = "office_info";
    public const string Greeting = "greeting";
    public const string Help = "help";
    public const string Thanks = "thanks";
    public const string Handoff = "handoff";
    public const string Affirm = "affirm";
    public const string Deny = "deny";
    public const string Inform = "inform";
    public const string OutOfScope = "out_of_scope";
    /// <summary>Officers coming to the home to take an ID-card application for someone who cannot travel.</summary>
    public const string HomeVisit = "home_visit";

    /// <summary>"Còn mấy người nữa tới lượt tôi?": a booked citizen's place in today's queue.</summary>
    public const string QueuePosition = "queue_position";

    public static readonly string[] All =
    [
        BookAppointment, CancelAppointment, RescheduleAppointment, DossierStatus, ProcedureInfo, OfficeInfo,
        Greeting, Help, Thanks, Handoff, Affirm, Deny, Inform, OutOfScope, HomeVisit,
        QueuePosition,
    ];

    /// <summary>What a citizen comes to do: the readings worth offering when the model is unsure.</summary>
    public static readonly string[] Tasks =
        [BookAppointment, CancelAppointment, RescheduleAppointment, DossierStatus, ProcedureInfo, OfficeInfo, Handoff, HomeVisit];
}

public sealed record IntentExample(string Text, string Intent);

public sealed record IntentScore(string Name, double Confidence);
