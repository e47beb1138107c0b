using Messaging.Language.Entities;
using Messaging.Language.Intents;
using Messaging.Language.Text;

namespace Messaging.Language;

/// <summary>
/// What the knowledge base tells the model beyond its training examples: the names of procedures and offices, how a
/// generic procedure narrows, how one is described without a name, which intent a procedure is asked as, names with
/// another meaning beside them, and matters another body handles.
/// </summary>
public sealed record Knowledge(IReadOnlyList<GazetteerEntry> Procedures, IReadOnlyList<GazetteerEntry> Offices)
{
    public IReadOnlyList<ProcedureRefinement> Refinements { get; init; } = [];
    public IReadOnlyList<ProcedureDescription> Descriptions { get; init; } = [];
    public IReadOnlyList<IntentProcedure> IntentProcedures { get; init; } = [];
    public IReadOnlyList<ProcedureExclusion> Exclusions { get; init; } = [];
    public IReadOnlyList<GazetteerEntry> Referrals { get; init; } = [];
}

/// <summary>What the language model read in one message.</summary>
public sealed record ParseResult(string Text, IntentScore Intent, IReadOnlyList<IntentScore> Ranking,
    IReadOnlyList<Entity> Entities)
{
    /// <summary>
    /// The model cannot tell between two or three readings (or fell below the threshold with a real task still in the
    /// running): the bot asks which one instead of guessing or saying "out of scope".
    /// </summary>
    public IReadOnlyList<IntentScore> Doubts { get; init; } = [];

    /// <summary>The message's canonical words as the model read them (words run together split, swaps respelled).</summary>
    public string? Canonical { get; init; }
}

public sealed class LanguageOptions
{
    /// <summary>Below this confidence the answer is out_of_scope rather than a guess.</summary>
    public double ConfidenceThreshold { get; set; } = 0.4;

    /// <summary>Longer texts are refused by the endpoint and cut here by the model.</summary>
    public int MaxTextLength { get; set; } = 2000;

    public string TimeZoneId { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>Readings closer than this to the best one are doubts worth a question (when the best is below <see cref="SureConfidence"/>).</summary>
    public double ClarifyMargin { get; set; } = 0.2;

    /// <summary>
    /// How much worse on the held-out sets a retrained model may score and still be swapped in: training on one more
    /// example moves the figures by a few tenths of a point either way, so a strict "no worse" refused good labels by
    /// chance. A careless set of labels costs far more than this.
    /// </summary>
    public double RetrainTolerance { get; set; } = 0.005;

    /// <summary>At or above this confidence the best reading is taken without asking.</summary>
    public double SureConfidence { get; set; } = 0.6;
}

/// <summary>
/// Normalizer, entity recognizers and intent classifier together. Built once from the training files and the
/// gazetteers (procedures, offices); thread-safe and allocation-light afterwards.
/// </summary>
public sealed class LanguageModel
{
    private readonly IntentClassifier _classifier;
    private readonly Gazetteer _procedures;
    private readonly Gazetteer _offices;
    private readonly Gazetteer _referrals;
    private readonly Lexicon _lexicon;
    private readonly ProcedureRefiner _refiner;
    private readonly ProcedureDescriber _describer;
    private readonly LanguageOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly IReadOnlyList<IntentProcedure> _intentProcedures;
    private readonly ProcedureExcluder _excluder;
    private readonly IReadOnlySet<string>? _frequent;

    /// <summary>Words seen fewer times than this in training are also read by their letters.</summary>
    private const int RareBelow = 5;

    private LanguageModel(IntentClassifier classifier, Knowledge knowledge, Lexicon lexicon, LanguageOptions options, IReadOnlySet<string>? frequent = null)
    {
        _classifier = classifier;
        _lexicon = lexicon;
        _procedures = new Gazetteer(EntityTypes.Procedure, knowledge.Procedures, marksDecide: true);
        _offices = new Gazetteer(EntityTypes.Office, knowledge.Offices);
        _referrals = new Gazetteer(EntityTypes.Referral, knowledge.Referrals, marksDecide: true);
        _refiner = new ProcedureRefiner(knowledge.Refinements);
        _describer = new ProcedureDescriber(knowledge.Descriptions);
        _excluder = new ProcedureExcluder(knowledge.Exclusions);
        _intentProcedures = knowledge.IntentProcedures;
        _options = options;
        _frequent = frequent;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZoneId);
    }

    public IntentClassifier Classifier => _classifier;

    /// <summary>The words of the training examples and the knowledge base: how words typed without spaces are split.</summary>
    public Lexicon Lexicon => _lexicon;

    public static LanguageModel Build(IEnumerable<IntentExample> examples, Knowledge knowledge, LanguageOptions? options = null)
    {
        options ??= new LanguageOptions();
        examples = examples.ToList();
        var lexicon = new Lexicon(examples.Select(e => e.Text)
            .Concat(new[] { knowledge.Procedures, knowledge.Offices, knowledge.Referrals }.SelectMany(g => g.Select(e => e.Phrase))));
        var untrained = new LanguageModel(null!, knowledge, lexicon, options);
        // Entities are recognized in training examples too, so "<date>" in training means what it means at run time.
        var reference = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(7));
        var rows = examples.Select(e =>
        {
            var normalized = Normalizer.Normalize(e.Text, lexicon);
            var entities = untrained.Recognize(normalized, reference);
            return (normalized, entities, e.Intent);
        }).ToList();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in rows) foreach (var w in r.normalized.Words) counts[w.Text] = counts.GetValueOrDefault(w.Text) + 1;
        var frequent = counts.Where(c => c.Value >= RareBelow).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var featureRows = rows.Select(r => ((IReadOnlyList<string>)Features.Extract(r.normalized, r.entities, frequent), r.Intent)).ToList();
        return new LanguageModel(IntentClassifier.Train(featureRows), knowledge, lexicon, options, frequent);
    }

    public ParseResult Parse(string? text, DateTimeOffset referenceTime)
    {
        // Relative dates ("mai", "tuần sau") are computed from the reference time: near year 1 or 9999 they overflow.
        if (referenceTime.Year is < DateRecognizer.MinYear or > DateRecognizer.MaxYear)
            throw new ArgumentOutOfRangeException(nameof(referenceTime), $"The reference time must lie between {DateRecognizer.MinYear} and {DateRecognizer.MaxYear}.");
        text ??= string.Empty;
        if (text.Length > _options.MaxTextLength) text = text[.._options.MaxTextLength];
        var normalized = Normalizer.Normalize(text, _lexicon);
        var entities = Recognize(normalized, referenceTime);
        if (normalized.Words.Count == 0)
        {
            var none = new IntentScore(IntentNames.OutOfScope, 1.0);
            return new ParseResult(text, none, [none], entities);
        }
        var canonical = string.Join(' ', normalized.Words.Select(w => w.Text));
        // The folded words between spaces, for the rules that look for a phrase.
        var padded = " " + canonical + " ";
        // One map of word positions for every rule below and for the entities' rules.
        var words = new WordPositions(normalized);
        var ranking = WithoutUnfoundedHomeVisit(_classifier.Rank(Features.Extract(normalized, entities, _frequent)), padded);
        ranking = QueueAskedAfter(DossierAskedAfter(HomeVisitBooked(ranking, normalized, words, entities), normalized, entities), padded);
        ranking = WhereProcedureIsDone(ReferralAsked(ranking, normalized, words, entities), padded, entities);
        ranking = BookingSpelledOut(ranking, normalized, words, entities, _options.ConfidenceThreshold);
        ranking = AskedInWords(ranking, padded, entities.Exists(e => e.Type == EntityTypes.Procedure));
        ranking = BareAnswer(Bedridden(ranking, padded, entities), normalized, words, entities);
        ranking = GivenUpForAnother(ranking, padded, entities);
        var top = ranking[0].Confidence >= _options.ConfidenceThreshold
            ? ranking[0]
            : new IntentScore(IntentNames.OutOfScope, ranking.FirstOrDefault(r => r.Name == IntentNames.OutOfScope)?.Confidence ?? 0);
        IntentEntities.Apply(top.Name, normalized, words, entities, _intentProcedures,
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(referenceTime, _zone).DateTime));
        var doubts = BareWish(normalized, entities, ranking) ?? DoubtsOf(ranking);
        // "chứng thực bản sao căn cước", "sim bị khóa vì chưa chuẩn hóa cccd": another body's matter that names our card
        // is not about the card, and the bot should say where to go rather than answer for the card. A procedure asked
        // for by its verb ("làm hộ chiếu", "đăng ký tạm trú") stays.
        if (ranking[0].Name == IntentNames.OutOfScope && ranking[0].Confidence >= _options.ConfidenceThreshold && doubts.Count == 0
            && entities.Exists(e => e.Type == EntityTypes.Procedure))
            entities.RemoveAll(e => e.Type == EntityTypes.Procedure && IsBareName(normalized, words, e));
        return new ParseResult(text, top, ranking, entities)
        {
            Doubts = doubts,
            Canonical = canonical,
        };
    }

    /// <summary>
    /// Words without which a message does not ask for officers at home: the house, not being able to travel, an
    /// illness or disability (folded, short forms expanded). "làm thẻ chip cho con" names a relative, as many home-visit
    /// requests do, but asks nothing of the kind; the classifier alone leaned on "… cho &lt;relative&gt;".
    /// </summary>
    private static readonly string[] HomeVisitCues =
    [
        // The house as a place to go to, not "nhà" alone: "bé nhà em" is "my kid" and "nha" ends many a sentence.
        " tai nha", " den nha", " xuong nha", " toi nha", " ve nha", " len nha", " tan nha",
        " tan noi", " di duoc", " di lai", " liet", " nam mot cho", " khuyet tat", " benh", " om ", " gia yeu",
        " tai gia", " den tan",
        // Officers coming down, not the citizen going down to the commune ("tôi đi xuống xã", "em xuống làm"): "xuống"
        // with who comes.
        " bo xuong", " an xuong", " nguoi xuong", " cac anh xuong", " may anh xuong", " xuong tan",
        " home", " house", " bedridden", " disab", " travel", " khong the den",
        " nam vien", " nam giuong", " di dung", " xe lan", " wheelchair", " sick", " elderly", " lu ", " tai bien",
        " dot quy", " ngoi xe",
    ];

    /// <summary>Without a cue, a home visit is ruled out and the other intents share its weight.</summary>
    private static IntentScore[] WithoutUnfoundedHomeVisit(IntentScore[] ranking, string words)
    {
        var visit = Array.FindIndex(ranking, r => r.Name == IntentNames.HomeVisit);
        if (visit < 0 || ranking[visit].Confidence <= 0) return ranking;
        // "xuống tận nhà văn hóa thôn" is the village hall where a mobile session sits, not anyone's home.
        var padded = words.Replace(" tan nha van hoa ", " hall ", StringComparison.Ordinal).Replace(" nha van hoa ", " hall ", StringComparison.Ordinal);
        if (Has(padded, HomeVisitCues)) return ranking;
        var rest = 1 - ranking[visit].Confidence;
        if (rest <= 0) return ranking;
        return [.. ranking.Where((_, i) => i != visit).Select(r => r with { Confidence = r.Confidence / rest }),
            ranking[visit] with { Confidence = 0 }];
    }

    /// <summary>
    /// "xin xã cử người lên làm căn cước tại nhà, chiều mai được không": booking the home visit by its name is asking for
    /// the home visit (the bot routes both to it), so the booking's weight is the home visit's.
    /// </summary>
    private IntentScore[] HomeVisitBooked(IntentScore[] ranking, NormalizedText text, WordPositions words, List<Entity> entities)
    {
        // "làm căn cước tại nhà cho người già có mất phí không": a question about how home visits work is asked of the
        // home visit too, which answers it and offers to arrange one.
        if (ranking[0].Name is not (IntentNames.BookAppointment or IntentNames.ProcedureInfo or IntentNames.HomeVisit)) return ranking;
        var visit = _intentProcedures.FirstOrDefault(p => p.Intent == IntentNames.HomeVisit)?.Id;
        if (visit is null || entities.Find(e => e.Type == EntityTypes.Procedure && e.Value == visit) is not { } mention) return ranking;
        // "không cần làm căn cước tại nhà", "bà em đã làm căn cước tại nhà rồi": not this booking.
        var first = words.FirstAtOrAfter(mention.Start);
        for (var k = Math.Max(0, first - 3); k < first; k++)
            if (text.Words[k].Text is "khong" or "chua" or "khoi" or "da" or "not" or "don't" or "dont") return ranking;
        // Asking how and asking for it are one request here: their weights together are the home visit's.
        return Pooled(ranking, IntentNames.HomeVisit, IntentNames.BookAppointment, IntentNames.ProcedureInfo);
    }

    /// <summary>
    /// "số thứ tự của tôi là A045, còn xa không", "lấy số lúc 7h50 mà giờ chưa được gọi", "còn bao nhiêu người đang chờ":
    /// where one stands in today's line. The classifier read these as office hours or a status question from their other
    /// words; what they share is the ticket held and the turn awaited.
    /// </summary>
    private static IntentScore[] QueueAskedAfter(IntentScore[] ranking, string padded)
    {
        if (ranking[0].Name is IntentNames.BookAppointment or IntentNames.CancelAppointment
            or IntentNames.RescheduleAppointment or IntentNames.Handoff) return ranking;
        var counted = Has(padded, LineCounted);
        return Has(padded, TurnAwaited) && (counted || Has(padded, TicketHeld)) || counted && padded.Contains(" dang cho ", StringComparison.Ordinal)
            ? Merged(ranking, IntentNames.QueuePosition) : ranking;
    }

    /// <summary>
    /// "xin đăng ký làm thẻ căn cước cho con lúc 7 giờ 45 thứ tư tuần sau": a booking that names its procedure by the
    /// verb and when to come, read as a booking or a bare answer (a day and a time look alike in both), neither surely.
    /// The day and time are what the booking asks for, so the answer's weight is the booking's.
    /// </summary>
    private static IntentScore[] BookingSpelledOut(IntentScore[] ranking, NormalizedText text, WordPositions words, List<Entity> entities, double threshold)
    {
        // The two lead, in either order, and neither is sure.
        if (ranking.Length < 2 || ranking[0].Confidence >= threshold
            || (ranking[0].Name, ranking[1].Name) is not ((IntentNames.BookAppointment, IntentNames.Inform) or (IntentNames.Inform, IntentNames.BookAppointment)))
            return ranking;
        if (!entities.Exists(e => e.Type is EntityTypes.Date or EntityTypes.Time or EntityTypes.PartOfDay)) return ranking;
        if (!entities.Exists(e => e.Type == EntityTypes.Procedure && !IsBareName(text, words, e))) return ranking;
        return Pooled(ranking, IntentNames.BookAppointment, IntentNames.Inform);
    }

    /// <summary>
    /// "lũ cuốn mất sổ đỏ với thẻ căn cước, làm lại sổ đỏ ở đâu", "sao y hộ chiếu có công chứng ở đâu": another body's
    /// matter asked for by its verb, beside our documents named only in passing, is that body's matter. The classifier
    /// leaned on the document's name. A procedure of ours asked for by its verb ("làm căn cước cần giấy khai sinh") stays.
    /// </summary>
    private static IntentScore[] ReferralAsked(IntentScore[] ranking, NormalizedText text, WordPositions words, List<Entity> entities)
    {
        if (ranking[0].Name is not (IntentNames.ProcedureInfo or IntentNames.OfficeInfo or IntentNames.BookAppointment)) return ranking;
        if (!entities.Exists(e => e.Type == EntityTypes.Referral)) return ranking;
        string W(int k) => k >= 0 && k < text.Words.Count ? text.Words[k].Text : "";
        if (entities.Exists(e => e.Type == EntityTypes.Procedure
                && (!IsBareName(text, words, e) || W(words.FirstAtOrAfter(e.Start) - 1) is "lam" or "xin" or "cap" or "doi" or "ky"))) return ranking;
        var asked = entities.Exists(e => e.Type == EntityTypes.Referral && words.FirstAtOrAfter(e.Start) is var first
            && (ReferralStarts.Contains(W(first)) || ReferralVerbs.Contains(W(first - 1))));
        return asked ? Merged(ranking, IntentNames.OutOfScope) : ranking;
    }

    /// <summary>
    /// "lý lịch tư pháp bây giờ xin ở đâu, còn ở Sở Tư pháp không": where a procedure is done, with no office named, asks
    /// about the procedure (which body, which level), and its answer says where; an office named ("công an xã Tịnh Hà ở
    /// đâu") asks for that office's address.
    /// </summary>
    private static IntentScore[] WhereProcedureIsDone(IntentScore[] ranking, string padded, List<Entity> entities)
    {
        // Another body's matter beside it ("phạt vì quên bằng lái, nộp phạt ở đâu") is asked about instead.
        if (ranking[0].Name != IntentNames.OfficeInfo || entities.Exists(e => e.Type is EntityTypes.Office or EntityTypes.Referral)
            || !entities.Exists(e => e.Type == EntityTypes.Procedure)) return ranking;
        // "văn phòng làm căn cước ở chỗ nào", "địa chỉ chỗ làm hộ chiếu": the office's premises are asked for.
        return !Has(padded, OfficeWords) && Has(padded, WhereWords) ? Merged(ranking, IntentNames.ProcedureInfo) : ranking;
    }

    /// <summary>
    /// Requests whose words say what they are whatever else the message carries: a person asked for ("cho tôi gặp lãnh
    /// đạo", "muốn gặp người thật") is a handoff; how to pay at the counter ("chuyển khoản hay tiền mặt", "đóng qua QR")
    /// is a question for the office; how to use this chat ("làm sao để đặt lịch trên này", "gõ cái gì vô đây") is help.
    /// A booking, cancel or move stays what it is ("hủy lịch sáng mai, cho em gặp cán bộ luôn").
    /// </summary>
    private static IntentScore[] AskedInWords(IntentScore[] ranking, string padded, bool namesProcedure)
    {
        if (ranking[0].Name is IntentNames.BookAppointment or IntentNames.CancelAppointment or IntentNames.RescheduleAppointment
            && !Has(padded, ThisChat)) return ranking;
        if (ranking[0].Name != IntentNames.Handoff && Has(padded, PersonAsked)) return Merged(ranking, IntentNames.Handoff);
        if (ranking[0].Name == IntentNames.ProcedureInfo && Has(padded, PaymentWays) && Has(padded, FeeWords) && !Has(padded, Scammed))
            return Merged(ranking, IntentNames.OfficeInfo);
        // "em vào đây để hỏi làm sao để làm hộ chiếu" asks about the passport.
        if (ranking[0].Name != IntentNames.Help && Has(padded, ThisChat) && Has(padded, HowToUse) && !namesProcedure)
            return Merged(ranking, IntentNames.Help);
        return ranking;
    }

    private static bool Has(string padded, string[] cues) => cues.Any(c => padded.Contains(c, StringComparison.Ordinal));

    // A request for someone, not a mention: "đã gặp cán bộ rồi mà…", "có cần gặp cán bộ không" ask about something else.
    private static readonly string[] PersonAsked =
    [
        " nguoi that ", " gap lanh dao ", " gap truong cong an ", " cho em gap can bo ", " cho toi gap can bo ", " cho tui gap can bo ",
        " cho minh gap can bo ", " real person ", " talk to a human ",
    ];

    private static readonly string[] PaymentWays = [" chuyen khoan ", " tien mat ", " qr ", " quet the ", " vi dien tu ", " momo "];

    private static readonly string[] FeeWords = [" le phi ", " phi ", " dong tien ", " thanh toan ", " tra tien ", " nop tien "];

    private static readonly string[] Scammed = [" lua ", " nham ", " mat tien "];

    // Not "ở đây" ("báo mất ở đây được không" asks the office).
    private static readonly string[] ThisChat = [" tren nay ", " vo day ", " vao day ", " tren zalo nay ", " trong zalo nay ", " in this chat "];

    private static readonly string[] HowToUse = [" lam sao de ", " go cai gi ", " go gi ", " bam ", " nhan gi ", " nhan cai gi ", " how do i "];

    private static readonly string[] WhereWords = [" o dau ", " cho nao ", " noi nao ", " where "];

    private static readonly string[] OfficeWords =
        [" van phong ", " tru so ", " dia chi ", " duong di ", " address ", " office ", " gan ", " may gio ", " mo cua ", " giu xe ", " bai xe "];

    /// <summary>
    /// "Phòng xuất nhập cảnh Công an Quảng Ngãi", "dạ 0912 345 678", "mười lăm tháng mười một": a message that is data and
    /// nothing else (an office, a day, a time, a phone, an ID number, a dossier code) answers what the bot asked.
    /// </summary>
    private static IntentScore[] BareAnswer(IntentScore[] ranking, NormalizedText text, WordPositions words, List<Entity> entities)
    {
        if (ranking[0].Name == IntentNames.Inform || entities.Count == 0 || entities.Exists(e => e.Type is EntityTypes.Procedure or EntityTypes.Referral))
            return ranking;
        // Mark the words inside entities once, then read each word once.
        var inside = new bool[text.Words.Count];
        foreach (var e in entities)
            if (words.Inside(e.Start, e.End) is (var first and >= 0, var last))
                for (var i = first; i <= last; i++) inside[i] = true;
        for (var i = 0; i < text.Words.Count; i++)
            if (!inside[i] && !AnswerFillers.Contains(text.Words[i].Text)) return ranking;
        return Merged(ranking, IntentNames.Inform);
    }

    private static readonly HashSet<string> AnswerFillers = new(StringComparer.Ordinal)
    {
        "da", "a", "o", "tai", "luc", "vao", "la", "nha", "nhe", "em", "e", "toi", "minh", "so", "sdt", "ngay", "buoi", "ad", "admin",
    };

    /// <summary>
    /// "làm căn cước cho người già 90 tuổi nằm một chỗ thì sao": a card for someone who cannot leave the bed is asked of
    /// the home visit, named or not.
    /// </summary>
    private static IntentScore[] Bedridden(IntentScore[] ranking, string padded, List<Entity> entities)
    {
        if (ranking[0].Name is not (IntentNames.ProcedureInfo or IntentNames.BookAppointment)) return ranking;
        if (!entities.Exists(e => e.Type == EntityTypes.Procedure && e.Value.StartsWith("cccd-", StringComparison.Ordinal))) return ranking;
        return Has(padded, CannotLeaveBed) ? Merged(ranking, IntentNames.HomeVisit) : ranking;
    }

    /// <summary>
    /// "không đi sáng mai nữa mà đi chiều mai": one time given up for another is a move, not a cancel; the classifier
    /// leaned on "không đi … nữa".
    /// </summary>
    private static IntentScore[] GivenUpForAnother(IntentScore[] ranking, string padded, List<Entity> entities)
    {
        if (ranking[0].Name != IntentNames.CancelAppointment || !padded.Contains(" nua ma ", StringComparison.Ordinal)) return ranking;
        return entities.Count(e => e.Type is EntityTypes.Date or EntityTypes.Time or EntityTypes.PartOfDay) >= 2
            ? Merged(ranking, IntentNames.RescheduleAppointment) : ranking;
    }

    // Not "nằm viện": a stay in hospital is often over, or beside another question ("nằm viện, căn cước hết hạn có bị phạt").
    private static readonly string[] CannotLeaveBed =
        [" nam mot cho ", " liet giuong ", " nam liet ", " bai liet ", " bedridden ", " khong ra khoi giuong ", " khong ngoi day "];

    /// <summary>Verbs that ask for a matter, before its name: "làm lại sổ đỏ", "xin trích lục".</summary>
    private static readonly HashSet<string> ReferralVerbs = new(StringComparer.Ordinal)
    {
        // Not "sao" ("bản sao giấy khai sinh" is a paper to bring).
        "lam", "xin", "cap", "trich", "dang", "ky", "lai", "tach", "sang", "chuyen",
    };

    /// <summary>Names that start with their verb: "đăng ký kết hôn", "sao y", "chứng thực", "tách thửa".</summary>
    private static readonly HashSet<string> ReferralStarts = new(StringComparer.Ordinal)
    {
        // Not "công" ("hợp đồng công chứng" qualifies a paper to bring) nor "khai" ("cần khai sinh không").
        "dang", "sao", "chung", "tach", "sang", "chuyen", "xin", "trich", "lam", "doi", "thay",
    };

    /// <summary>A ticket the citizen holds (folded words).</summary>
    private static readonly string[] TicketHeld =
    [
        // Not "số của em" alone: "số của em là 0905…" gives a phone.
        " so thu tu cua ", " stt cua ", " boc so ", " lay so ", " boc duoc so ", " lay duoc so ", " toi so ", " em so ", " tui so ",
        " minh so ", " so thu tu ",
    ];

    /// <summary>The turn awaited: not called yet, how far, how many ahead.</summary>
    private static readonly string[] TurnAwaited =
    [
        " chua duoc goi ", " chua dc goi ", " chua goi ", " chua keu ", " chua duoc keu ", " chua toi luot ", " chua den luot ",
        " toi luot ", " den luot ", " con xa khong ", " con xa ko ", " con xa k ", " con lau khong ", " con lau ko ", " con lau hong ",
        " bao lau nua ", " phia truoc ", " dang goi toi so ", " dang goi so ", " goi toi so ", " toi so may ", " den so may ",
        " an trua roi ", " ahead of me ", " da goi chua ", " goi toi chua ", " con doi lau ", " con cho lau ",
    ];

    /// <summary>People counted in the line.</summary>
    private static readonly string[] LineCounted =
    [
        " con may nguoi ", " con bao nhieu nguoi ", " con bn nguoi ", " con nhieu nguoi ", " may nguoi nua ", " bao nhieu nguoi nua ",
        " nguoi dang cho ", " nguoi phia truoc ",
    ];

    /// <summary>
    /// The ranking with the weights of <paramref name="into"/> and <paramref name="from"/> pooled in <paramref name="into"/>,
    /// which then leads; the intents pooled keep a weight of nought.
    /// </summary>
    private static IntentScore[] Pooled(IntentScore[] ranking, string into, params string[] from)
    {
        var pooled = ranking.Where(r => r.Name == into || from.Contains(r.Name)).Sum(r => r.Confidence);
        return [new IntentScore(into, pooled),
            .. ranking.Where(r => r.Name != into).Select(r => from.Contains(r.Name) ? r with { Confidence = 0 } : r).OrderByDescending(r => r.Confidence)];
    }

    /// <summary>The ranking with the top intent's weight given to <paramref name="into"/>, which then leads (with the runner-up's, when it led already).</summary>
    private static IntentScore[] Merged(IntentScore[] ranking, string into)
    {
        var target = Array.Find(ranking, r => r.Name == into);
        if (target is null) return ranking;
        // Already leading but unsure ("còn bao nhiêu người đang chờ" below the threshold): the runner-up's weight is its.
        if (ranking[0].Name == into)
            return ranking.Length < 2 ? ranking
                : [ranking[0] with { Confidence = ranking[0].Confidence + ranking[1].Confidence }, ranking[1] with { Confidence = 0 }, .. ranking.Skip(2)];
        return [target with { Confidence = target.Confidence + ranking[0].Confidence }, ranking[0] with { Confidence = 0 },
            .. ranking.Skip(1).Where(r => r.Name != into)];
    }

    /// <summary>
    /// A procedure named by its document alone ("căn cước", "hộ chiếu"), not asked for by a verb. A card refined by a cue
    /// elsewhere counts as bare: "cập nhật căn cước cho tài khoản ngân hàng" is the bank's matter.
    /// </summary>
    private static bool IsBareName(NormalizedText text, WordPositions words, Entity procedure)
    {
        var first = words.FirstAtOrAfter(procedure.Start);
        return first >= text.Words.Count || text.Words[first].Text is not ("lam" or "dang" or "doi" or "cap" or "xin" or "khai" or "bao"
            or "nop" or "tach" or "nhap" or "xoa" or "chuyen" or "kich" or "dieu" or "gia" or "sua");
    }

    // Not "tôi"/"tới" (toi): "mã hồ sơ của tôi là …" gives the code.
    private static readonly HashSet<string> StatusWords = new(StringComparer.Ordinal)
    {
        "xem", "tra", "kiem", "trang", "xong", "chua", "sao", "status", "check", "ready", "done",
    };

    /// <summary>
    /// "xem giúp hồ sơ 000.00.21.H55-… nộp hôm qua", "tra mã …": a dossier code with a word asking after it is a status
    /// question, not a bare answer or a question on the procedure. A code alone stays an answer.
    /// </summary>
    private static IntentScore[] DossierAskedAfter(IntentScore[] ranking, NormalizedText text, List<Entity> entities)
    {
        if (ranking[0].Name is not (IntentNames.Inform or IntentNames.ProcedureInfo)) return ranking;
        if (!entities.Exists(e => e.Type == EntityTypes.DossierCode)) return ranking;
        // "trả phí" is a fee to pay, not "tra" (look up).
        var asks = text.Words.Where((w, i) => StatusWords.Contains(w.Text)
            && !(w.Text == "tra" && i + 1 < text.Words.Count && text.Words[i + 1].Text is "phi" or "tien" or "lai" or "ve"));
        return asks.Any() ? Merged(ranking, IntentNames.DossierStatus) : ranking;
    }

    private const double BareWishYieldsAt = 0.9;

    private static readonly HashSet<string> WishWords = new(StringComparer.Ordinal) { "muon", "want", "wanna", "need", "needs", "like" };

    /// <summary>
    /// Words that make a wish a question ("… thì cần gì", "… ở đâu", "… được không", "… hay …"), a booking ("đặt",
    /// "hẹn", "lên xã"), a refusal ("chẳng muốn") or a request with data. Read outside the procedure's own name, where
    /// "lịch" (lý lịch), "máy" (xe máy), "báo" (khai báo) and "giấy" (giấy xác nhận) belong to the name.
    /// </summary>
    private static readonly HashSet<string> QuestionOrBookingWords = new(StringComparer.Ordinal)
    {
        // Not "the" (thẻ, as in "làm thẻ căn cước"), "toi" (tôi) or "cho" ("cho con"): they fold like other words.
        "gi", "chi", "nao", "khong", "chua", "sao", "dau", "bao", "may", "nhieu", "lau", "ntn", "thi", "hay", "ha",
        "phai", "chuan", "giay", "phi", "mang", "dat", "hen", "lich", "slot", "suat", "giu", "so", "den", "len",
        "xuong", "nhe", "nha", "giup", "dum", "gium", "hoi", "biet", "tim", "chang", "thoi",
        "how", "what", "whats", "where", "when", "which", "why", "cost", "free", "much", "does", "ask", "know",
        "about", "info", "information", "appointment", "book", "schedule", "reserve",
    };

    /// <summary>
    /// "muốn làm thẻ căn cước": a wish for a procedure with no question, no booking word and no day is as much "how"
    /// as "book me in", so both are offered. Left to the classifier, the two readings' margin moved with every batch of
    /// training lines, and the bot guessed one of them. A classifier this sure (<see cref="BareWishYieldsAt"/>) has read
    /// more than a bare wish.
    /// </summary>
    private static IReadOnlyList<IntentScore>? BareWish(Messaging.Language.Text.NormalizedText text, IReadOnlyList<Entity> entities, IntentScore[] ranking)
    {
        if (ranking[0].Name is not (IntentNames.ProcedureInfo or IntentNames.BookAppointment) || ranking[0].Confidence >= BareWishYieldsAt) return null;
        if (text.Words.Count > 10 || text.Original.Contains('?')) return null;
        var procedures = entities.Where(e => e.Type == EntityTypes.Procedure).ToList();
        if (procedures.Count == 0 || entities.Any(e => e.Type is EntityTypes.Date or EntityTypes.Time or EntityTypes.PartOfDay
                or EntityTypes.Week or EntityTypes.Phone or EntityTypes.CitizenId or EntityTypes.DossierCode)) return null;
        var outside = Enumerable.Range(0, text.Words.Count)
            .Where(i => text.WordSpan(i, i) is var (start, end) && !procedures.Any(p => start >= p.Start && end <= p.End))
            .Select(i => text.Words[i].Text).ToList();
        if (!outside.Any(WishWords.Contains) || outside.Any(QuestionOrBookingWords.Contains)) return null;
        var info = ranking.First(r => r.Name == IntentNames.ProcedureInfo);
        var book = ranking.First(r => r.Name == IntentNames.BookAppointment);
        return info.Confidence >= book.Confidence ? [info, book] : [book, info];
    }

    /// <summary>Tasks a citizen can be offered as buttons, when the best is unsure and another is close behind it.</summary>
    private IReadOnlyList<IntentScore> DoubtsOf(IntentScore[] ranking)
    {
        if (ranking[0].Confidence >= _options.SureConfidence) return [];
        // A bare answer ("sáng mai", a name) or a greeting is not a task in doubt.
        if (!IntentNames.Tasks.Contains(ranking[0].Name) && ranking[0].Name != IntentNames.OutOfScope) return [];
        var tasks = ranking.Where(r => IntentNames.Tasks.Contains(r.Name)).ToList();
        if (tasks.Count < 2 || tasks[0].Confidence < 0.15) return [];
        var close = tasks.Take(3).Where(r => tasks[0].Confidence - r.Confidence <= _options.ClarifyMargin).ToList();
        return close.Count >= 2 ? close : [];
    }

    /// <summary>Whether a free "sang/qua/thành" stands between the part of the day and the clock times on either side of it.</summary>
    private static bool MovedFromNearestTimes(Entity part, List<Entity> times, List<int> starts, WordPositions words, int[] moves)
    {
        var after = starts.BinarySearch(part.End);
        if (after < 0) after = ~after;
        bool Moved(int from, int to) => moves[words.FirstAtOrAfter(to)] - moves[words.FirstAtOrAfter(from)] > 0;
        if (after < times.Count && !Moved(part.End, times[after].Start)) return false;
        return after == 0 || times[after - 1].End <= part.Start && Moved(times[after - 1].End, part.Start);
    }

    /// <summary>How many free "sang/qua/thành" stand before each word; without <paramref name="goingToDoMoves"/>, not those
    /// followed by what someone goes to do ("qua làm", "sang nộp").</summary>
    private static int[] CountMoves(RecognitionContext ctx, bool goingToDoMoves)
    {
        var counts = new int[ctx.Text.Words.Count + 1];
        for (var w = 0; w < ctx.Text.Words.Count; w++)
            counts[w + 1] = counts[w] + (ctx.Word(w) is "sang" or "qua" or "thanh" && ctx.IsWordFree(w)
                && (goingToDoMoves || ctx.Word(w + 1) is not ("lam" or "nop" or "lay" or "xin" or "ghe" or "dang" or "hoi" or "ky" or "khai")) ? 1 : 0);
        return counts;
    }

    /// <summary>
    /// "số căn cước 0511…", "cccd 0511…": the card named as the carrier of an ID number, not the procedure. A procedure
    /// right before a citizen ID (or after "số") is dropped.
    /// </summary>
    private static void DropIdNumberMentions(RecognitionContext ctx)
    {
        // Both lookups are by position (binary search), not a walk per procedure: a message repeating "căn cước"
        // hundreds of times stays linear.
        var idStarts = ctx.Entities.Where(e => e.Type == EntityTypes.CitizenId).Select(e => e.Start).Order().ToArray();
        var words = ctx.Positions;
        ctx.Entities.RemoveAll(e => e.Type == EntityTypes.Procedure && (
            FollowedById(ctx.Text, words, e.End, idStarts) && !NamesARequest(ctx.Text, words, e) || PrecededBySo(ctx.Text, words, e.Start)));
    }

    /// <summary>"cấp lại căn cước con tôi 0791…", "đổi cccd của mẹ 0511…": the name itself asks for the procedure.</summary>
    private static bool NamesARequest(NormalizedText text, WordPositions words, Entity e)
    {
        var (first, _) = words.Inside(e.Start, e.End);
        return first >= 0 && text.Words[first].Text is "cap" or "lam" or "doi" or "xin" or "dang" or "dat" or "gia";
    }

    /// <summary>
    /// Folded words that may stand between the card and its number: a possessive, "là", or whose card it is ("CCCD ba
    /// là 0510…", "cccd của mẹ 0511…").
    /// </summary>
    private static readonly HashSet<string> IdFillers =
    [
        "e", "em", "toi", "t", "minh", "cua", "la", "tui", "my", "is",
        "ba", "bo", "me", "ma", "ong", "vo", "chong", "con", "anh", "chi", "co", "chu", "bac", "noi", "ngoai",
    ];

    /// <summary>
    /// Only the first ID number at or after the procedure can follow it, with nothing but separators and fillers between:
    /// "cccd e 0510…", "căn cước của tôi là 0511…". "cccd số 0513… làm xong chưa" asks about the card being made, so
    /// "số" is not a filler. The walk stops at the first other word, so repeated mentions stay linear.
    /// </summary>
    private static bool FollowedById(NormalizedText text, WordPositions words, int end, int[] idStarts)
    {
        var i = Array.BinarySearch(idStarts, end);
        if (i < 0) i = ~i;
        while (i > 0 && idStarts[i - 1] >= end) i--;
        if (i >= idStarts.Length) return false;
        for (var w = words.FirstAtOrAfter(end); w < words.Count && words.StartOf(w) < idStarts[i]; w++)
            if (!IdFillers.Contains(text.Words[w].Text)) return false;
        return true;
    }

    private static bool PrecededBySo(NormalizedText text, WordPositions words, int start)
    {
        // The first word starting at or after the procedure.
        var w = words.FirstAtOrAfter(start);
        if (w >= words.Count) return false;
        // "số căn cước" is the ID number; "lấy số", "hồ sơ", "xin số", "xin một số" before a procedure are not.
        if (!(w > 0 && text.Words[w - 1].Text == "so" && words.StartOf(w) == start)) return false;
        var before = w > 2 && text.Words[w - 2].Text is "mot" or "1" ? w - 3 : w - 2;
        return !(before >= 0 && text.Words[before].Text is "lay" or "boc" or "ho" or "xin");
    }

    /// <summary>Which features pushed the text towards an intent: the explanation an admin can read.</summary>
    public IReadOnlyList<(string Feature, double Weight)> Explain(string text, string intent, DateTimeOffset referenceTime)
    {
        var normalized = Normalizer.Normalize(text, _lexicon);
        return _classifier.Explain(Features.Extract(normalized, Recognize(normalized, referenceTime), _frequent), intent);
    }

    private List<Entity> Recognize(NormalizedText text, DateTimeOffset referenceTime)
    {
        var ctx = new RecognitionContext(text, TimeZoneInfo.ConvertTime(referenceTime, _zone));
        NumberRecognizers.Recognize(ctx);
        _procedures.Recognize(ctx);
        _excluder.Exclude(ctx);
        _describer.Describe(ctx);
        _referrals.Recognize(ctx);
        _offices.Recognize(ctx);
        DateRecognizer.Recognize(ctx);
        TimeRecognizer.Recognize(ctx);
        // "sáng mai 7h30": the clock time says it all; a part of the day beside it would only be a second, vaguer answer.
        // "từ 2h chiều nay sang sáng mai": a move parts them, and the morning is the new time.
        var times = ctx.Entities.Where(e => e.Type == EntityTypes.Time).OrderBy(e => e.Start).ToList();
        if (times.Count > 0 && ctx.Entities.Exists(e => e.Type == EntityTypes.PartOfDay))
        {
            var words = ctx.Positions;
            var moves = CountMoves(ctx, goingToDoMoves: true);
            var realMoves = CountMoves(ctx, goingToDoMoves: false);
            var starts = times.ConvertAll(t => t.Start);
            // "tối nay có ai trực, em hẹn qua làm tạm trú lúc 19h": a part of the day that a clock time falls in says
            // nothing more, when only a "qua làm" (going over to do it) stands between them. "8h sáng thứ 5 … lùi sang
            // sáng thứ 3" is a move, and the new morning stays.
            // Only the clock times on either side of the part are read (a binary search), so repeated times stay linear.
            bool Redundant(Entity part)
            {
                var after = starts.BinarySearch(part.End);
                if (after < 0) after = ~after;
                bool Agrees(Entity t) => TimeRecognizer.FallsIn(t.Value, part.Value)
                    && realMoves[words.FirstAtOrAfter(Math.Max(t.End, part.End))] == realMoves[words.FirstAtOrAfter(Math.Min(t.Start, part.Start))];
                return after < times.Count && Agrees(times[after]) || after > 0 && Agrees(times[after - 1]);
            }
            ctx.Entities.RemoveAll(e => e.Type == EntityTypes.PartOfDay && (Redundant(e) || !MovedFromNearestTimes(e, times, starts, words, moves)));
        }
        DropIdNumberMentions(ctx);
        _refiner.Refine(ctx.Text, ctx.Entities);
        ctx.Entities.Sort((a, b) => a.Start.CompareTo(b.Start));
        return ctx.Entities;
    }
}

/// <summary>
/// Classifier features: canonical words with each entity replaced by its type ("&lt;date&gt;"), word pairs including
/// the sentence edges, so "không" alone differs from "... được không".
/// </summary>
internal static class Features
{
    public static List<string> Extract(NormalizedText text, IReadOnlyList<Entity> entities, IReadOnlySet<string>? frequent = null)
    {
        List<string>? letters = null;
        var words = new List<string>(text.Words.Count + 2) { "<s>" };
        Entity? current = null;
        // Entities are sorted and never overlap, and words come in order: one pointer walks both (linear, not words × entities).
        var next = 0;
        foreach (var w in text.Words)
        {
            var token = text.Tokens[w.Source];
            while (next < entities.Count && entities[next].End <= token.Start) next++;
            var entity = next < entities.Count && token.Start >= entities[next].Start && token.End <= entities[next].End ? entities[next] : null;
            if (entity is not null)
            {
                // A week stands where a day would ("hẹn tuần sau", "hẹn thứ 6"): the classifier reads both as when.
                if (!ReferenceEquals(entity, current)) words.Add(entity.Type == EntityTypes.Week ? "<date>" : "<" + entity.Type + ">");
                current = entity;
                continue;
            }
            current = null;
            // A bare number counts by its shape: "5678" and "4321" are the same kind of answer.
            words.Add(token.IsNumber ? "<num" + Math.Min(w.Text.Length, 13) + ">" : w.Text);
            // A word the training data hardly knows is also read by its letters, so a slip or a new word leans on the
            // words it resembles.
            if (frequent is not null && !token.IsNumber && w.Text.Length >= 3 && !frequent.Contains(w.Text))
            {
                letters ??= [];
                var padded = "^" + w.Text + "$";
                for (var c = 0; c + 3 <= padded.Length; c++) letters.Add("#" + padded.Substring(c, 3));
            }
        }
        words.Add("</s>");
        var features = new List<string>(words.Count * 2);
        for (var i = 1; i < words.Count - 1; i++) features.Add(words[i]);
        for (var i = 0; i < words.Count - 1; i++) features.Add(words[i] + " " + words[i + 1]);
        if (letters is not null) features.AddRange(letters);
        return features;
    }
}
