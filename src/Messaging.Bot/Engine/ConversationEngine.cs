using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Core.Conversations;
using Messaging.Core.Language;
using Messaging.Core.Telemetry;
using Messaging.Language.Entities;
using Messaging.Language.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.Bot.Engine;

/// <summary>A turn's replies, and the same replies serialized with <see cref="ActivityJson.Options"/>.</summary>
public sealed record TurnResult(IReadOnlyList<Activity> Replies, IReadOnlyList<string> ReplyJson);

public sealed class BotOptions
{
    public const string Section = "Bot";
    /// <summary>After this long without a message a half-finished dialog is dropped, politely.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Wrong answers to one question before the bot stops asking and shows the menu.</summary>
    public int MaxAttempts { get; set; } = 3;
    /// <summary>Intent confidence above which a message mid-dialog counts as a new question.</summary>
    public double InterruptionConfidence { get; set; } = 0.6;
    /// <summary>
    /// A web chat token stops working after this long without a turn, so the next person at a shared computer starts
    /// afresh; the page then starts a new conversation, and managing a booking needs its code and phone.
    /// </summary>
    public TimeSpan WebChatIdleExpiry { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>
/// Runs one turn: loads the conversation's state, reads the message, lets interruptions (cancel, menu, a person, a
/// side question) or the active dialog answer, saves the state with optimistic concurrency, and returns the replies.
/// Turns of one conversation are serialized in this process; across processes, the turn that loses the race on the
/// state's version runs again on the winner's state.
/// </summary>
public sealed class ConversationEngine(IServiceScopeFactory scopes, ConversationStore store, LanguageModelProvider language,
    TimeProvider time, IOptions<BotOptions> options, DialogSet dialogs, ILogger<ConversationEngine> log,
    IEnumerable<ITurnAssistant> assistants, Messaging.Core.Identity.Fingerprinter fingerprints)
{
    private readonly ITurnAssistant? _assistant = assistants.FirstOrDefault();
    private const int MaxRuns = 5;
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private static readonly HashSet<string> CancelWords =
        ["huy", "thoi", "huy bo", "dung lai", "thoat", "cancel", "stop", "quit", "exit", "khong lam nua", "thoi khong"];
    private static readonly HashSet<string> MenuWords =
        ["menu", "giup", "giup do", "tro giup", "help", "huong dan", "bat dau lai", "quay lai menu"];

    /// <summary>For in-process callers (the terminal chat, tests): the activity's own channel and sender are the identity.</summary>
    public async Task<IReadOnlyList<Activity>> RunTurnAsync(Activity incoming, CancellationToken ct) =>
        (await RunAsync(incoming, TurnIdentity.Local(incoming), ct)).Replies;

    public async Task<IReadOnlyList<Activity>> RunTurnAsync(Activity incoming, TurnIdentity identity, CancellationToken ct) =>
        (await RunAsync(incoming, identity, ct)).Replies;

    /// <summary>
    /// The turn's replies, each also as the JSON stored in the transcript, so a channel can send it as is. The
    /// identity is the adapter's word: a conversation that belongs to another identity, or that holds a credential the
    /// caller did not present, is refused with <see cref="TurnRefusedException"/>.
    /// </summary>
    public async Task<TurnResult> RunAsync(Activity incoming, TurnIdentity identity, CancellationToken ct)
    {
        var conversationId = incoming.Conversation?.Id ?? throw new ArgumentException("conversation.id is required");
        // Logged by a keyed pseudonym, never the id: a Zalo conversation's id holds the user's Zalo id.
        using var logScope = log.BeginTurnScope(fingerprints, conversationId, identity.Channel);
        using var span = MessagingTraces.Source.StartActivity("chat.turn");
        span?.SetTag("messaging.channel", identity.Channel);
        var gate = _locks[(uint)conversationId.GetHashCode() % _locks.Length];
        await gate.WaitAsync(ct);
        try
        {
            // A turn has one id in all its runs (a client that sent none gets one here), so every side effect keyed by
            // it happens once; a turn the transcript already answered (a retried POST, a webhook sent again) is answered
            // again from the transcript, without running.
            ConversationSnapshot? loaded = null;
            if (string.IsNullOrEmpty(incoming.Id)) incoming = incoming with { Id = "t-" + Guid.NewGuid().ToString("N") };
            else
            {
                loaded = await store.LoadAsync(conversationId, ct);
                (var earlier, loaded) = await AnsweredAsync(loaded, incoming, identity, conversationId, ct);
                if (earlier is not null) return earlier;
            }
            for (var run = 1; ; run++)
            {
                // The first run takes the state read for the replay check; a later run reads again, as another
                // writer won the version.
                var stored = run == 1 && loaded is not null ? loaded : await store.LoadAsync(conversationId, ct);
                if (await RunOnceAsync(stored, incoming, identity, conversationId, ct) is { } replies) return replies;
                // Another node, or a proactive message, saved this conversation first; run the turn on its state.
                log.ConversationChangedDuringTurn(run);
                if (run == MaxRuns) throw new InvalidOperationException($"The conversation kept changing during {MaxRuns} runs of one turn.");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The replies this conversation gave to an activity with the same id and text, if it is in the recent transcript,
    /// and the state as read (a row from before turn ids were kept gets them from its transcript here, once).
    /// </summary>
    private async Task<(TurnResult? Earlier, ConversationSnapshot? Stored)> AnsweredAsync(ConversationSnapshot? stored, Activity incoming,
        TurnIdentity identity, string conversationId, CancellationToken ct)
    {
        if (stored is null) return (null, null);
        var now = time.GetUtcNow();
        Authorize(stored, identity, now);
        // The row keeps the last turns' ids: a turn not among them is new, and the transcript is not read at all.
        if (!stored.MayHaveAnswered(incoming.Id!)) return (null, stored);
        var recent = await store.RecentAsync(conversationId, ct);
        Activity? Read(string json) => JsonSerializer.Deserialize<Activity>(json, ActivityJson.Options);
        if (stored.RecentTurns is null)
        {
            var ids = recent.Where(r => r.Direction == "in").Reverse().Select(r => Read(r.Json)?.Id)
                .Where(ConversationSnapshot.Keepable);
            stored = stored with { RecentTurns = string.Join('\n', ids.TakeLast(ConversationSnapshot.KeptTurns - 1)) };
        }
        // Only a row whose text holds the id can be that activity; parsing every recent row was a fifth of a turn's JSON work.
        var quotedId = JsonSerializer.Serialize(incoming.Id, ActivityJson.Options);
        var earlier = recent.Where(r => r.Direction == "in" && r.Json.Contains(quotedId, StringComparison.Ordinal))
            .Select(r => Read(r.Json)).FirstOrDefault(a => a?.Id == incoming.Id);
        if (earlier is null) return (null, stored);
        // The same id with other words is a client reusing ids, not a repeat: the turn runs.
        var nlu = language.Model.Parse(incoming.Text ?? "", now);
        if (StoredCopy(incoming, identity, conversationId, nlu.Entities).Text != earlier.Text) return (null, stored);
        var replies = recent.Where(r => r.Direction == "out").Reverse().Select(r => (Json: r.Json, Activity: Read(r.Json)))
            .Where(r => r.Activity?.ReplyToId == incoming.Id).ToList();
        log.TurnAnsweredAgain();
        return (new TurnResult(replies.Select(r => r.Activity!).ToList(), replies.Select(r => r.Json).ToList()), stored);
    }

    /// <summary>One run of a turn; null when its state save lost the race on the version.</summary>
    private async Task<TurnResult?> RunOnceAsync(ConversationSnapshot? stored, Activity incoming, TurnIdentity identity, string conversationId,
        CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow();
        Authorize(stored, identity, now);
        var read = stored ?? ConversationSnapshot.New(conversationId, identity.Channel, identity.Subject, now);

        var state = JsonSerializer.Deserialize<ConversationData>(read.StateJson, ConversationData.Json) ?? new ConversationData();
        var locale = LocaleOf(incoming, read.Locale);
        // A button's posted value is a machine value ("slot|2026-…|guid"): matched against the question's choices,
        // never read for entities, where its digits would pass for dates.
        var nlu = language.Model.Parse(incoming.Text ?? "", now);
        MessagingMetrics.Turns.Add(1, MessagingMetrics.Tag("channel", incoming.ChannelId ?? ""), MessagingMetrics.Tag("intent", nlu.Intent.Name));
        MessagingMetrics.NluConfidence.Record(nlu.Intent.Confidence, MessagingMetrics.Tag("intent", nlu.Intent.Name));
        System.Diagnostics.Activity.Current?.SetTag("messaging.intent", nlu.Intent.Name);
        var turn = new TurnContext(incoming, nlu, state, locale, now, scope.ServiceProvider, conversationId, identity);

        if (!read.IsNew && state.Stack.Count > 0 && now - read.UpdatedAt > options.Value.IdleTimeout)
        {
            state.Stack.Clear();
            await turn.SayAsync("bot/session-expired", ct: ct);
        }
        await ProcessAsync(turn, ct);

        var replies = Stamp(turn.Replies, incoming, identity, conversationId, now);
        var transcript = new List<TranscriptEntry>(replies.Count + 1) { Entry("in", StoredCopy(incoming, identity, conversationId, nlu.Entities)) };
        foreach (var reply in replies) transcript.Add(Entry("out", reply));
        var saved = await store.SaveAsync(new ConversationWrite(read, JsonSerializer.Serialize(state, ConversationData.Json), locale, now, transcript,
            read.WithTurn(incoming.Id!)), ct);
        return saved ? new TurnResult(replies, transcript.Skip(1).Select(e => e.Json).ToList()) : null;
    }

    /// <summary>A stored conversation is reached only by the identity that began it, with its credential if it has one.</summary>
    private void Authorize(ConversationSnapshot? stored, TurnIdentity identity, DateTimeOffset now)
    {
        if (stored is null)
        {
            if (identity.Credential is not null) throw new TurnRefusedException(true, "No conversation has that id and credential.");
            return;
        }
        if (stored.CredentialHash is not null || identity.Credential is not null)
        {
            if (!Messaging.Core.Identity.Fingerprint.MatchesSecret(identity.Credential, stored.CredentialHash))
                throw new TurnRefusedException(true, "This conversation needs its credential (Authorization: Bearer <token>).");
            if (now - stored.UpdatedAt > options.Value.WebChatIdleExpiry)
                throw new TurnRefusedException(true, "This conversation has ended after a long pause: start a new one.");
        }
        if (stored.ChannelId != identity.Channel || stored.UserId != identity.Subject)
            throw new TurnRefusedException(false, "This conversation belongs to someone else.");
    }

    private async Task ProcessAsync(TurnContext t, CancellationToken ct)
    {
        var stack = t.State.Stack;
        var top = stack.LastOrDefault();

        if (CancelWords.Contains(t.Folded))
        {
            var had = stack.Count > 0 || t.State.Assistant?.Proposal is not null;
            stack.Clear();
            t.State.Assistant = null;
            await t.SayAsync(had ? "bot/cancelled" : "bot/nothing-to-cancel", actions: Menu.Actions(t.Locale), ct: ct);
            return;
        }
        if (MenuWords.Contains(t.Folded))
        {
            await t.SayAsync("bot/help", actions: Menu.Actions(t.Locale), ct: ct);
            if (top?.Prompt is { } pending) await t.RepeatPromptAsync(pending, ct);
            return;
        }
        if (top?.Dialog != DialogNames.Preferences && Messaging.Core.Notifications.PreferenceCommands.Parse(t.Text) is { } change)
        {
            // A wish about messages can come at any point; whatever was being asked is asked again after it.
            var frame = new DialogFrame { Dialog = DialogNames.Preferences };
            frame.Set("change", Dialogs.PreferencesDialog.Serialize(change));
            stack.Add(frame);
            await ContinueAsync(t, frame, ct);
            if (!stack.Contains(frame) && top?.Prompt is { } pending) await t.RepeatPromptAsync(pending, ct);
            return;
        }
        if (t.Intent == Messaging.Language.Intents.IntentNames.Handoff && t.Confidence >= options.Value.InterruptionConfidence)
        {
            stack.Clear();
            await StartAsync(t, DialogNames.Handoff, ct);
            return;
        }

        if (top?.Prompt is { } prompt)
        {
            var answer = PromptAnswers.TryRead(prompt, t);
            if (answer is not null)
            {
                top.Set(prompt.Slot, answer);
                top.Prompt = null;
                await ContinueAsync(t, top, ct);
                return;
            }
            // "tuần sau" answers "which day?" with a week: the dialog takes it and offers that week's days ("hủy lịch tuần
            // sau" is another task, which the check below starts).
            if (prompt.Kind == PromptKind.Date && t.EntityOf(Messaging.Language.Entities.EntityTypes.Week) is not null && !IsNewTask(t, top))
            {
                top.Prompt = null;
                await ContinueAsync(t, top, ct);
                return;
            }
            if (IsNewTask(t, top))
            {
                stack.Remove(top);
                await StartAsync(t, DialogNames.ForTurn(t), ct);
                return;
            }
            if (IsSideQuestion(t))
            {
                await dialogs.Get(DialogNames.ForTurn(t)).ContinueAsync(t, new DialogFrame(), ct);
                await t.RepeatPromptAsync(prompt, ct);
                return;
            }
            prompt.Attempts++;
            if (prompt.Attempts >= options.Value.MaxAttempts)
            {
                stack.Remove(top);
                await t.SayAsync("bot/attempts-exceeded", actions: Menu.Actions(t.Locale), ct: ct);
                return;
            }
            await t.SayAsync("bot/retry." + prompt.Kind.ToString().ToLowerInvariant(), ct: ct);
            await t.RepeatPromptAsync(prompt, ct);
            return;
        }

        if (_assistant is not null && await _assistant.TryAnswerAsync(t, ct)) return;
        await StartAsync(t, DialogNames.ForTurn(t), ct);
    }

    private async Task StartAsync(TurnContext t, string dialog, CancellationToken ct)
    {
        var frame = new DialogFrame { Dialog = dialog };
        t.State.Stack.Add(frame);
        await ContinueAsync(t, frame, ct);
    }

    private async Task ContinueAsync(TurnContext t, DialogFrame frame, CancellationToken ct)
    {
        var done = await dialogs.Get(frame.Dialog).ContinueAsync(t, frame, ct);
        if (done) t.State.Stack.Remove(frame);
    }

    /// <summary>
    /// A message that does not answer the question but clearly starts another task ("hồ sơ của tôi xong chưa?" while
    /// booking): the citizen changed their mind, so the old dialog gives way.
    /// </summary>
    private static bool IsNewTask(TurnContext t, DialogFrame top) =>
        t.Confidence >= 0.85
        && t.Intent is Messaging.Language.Intents.IntentNames.DossierStatus or Messaging.Language.Intents.IntentNames.CancelAppointment
            or Messaging.Language.Intents.IntentNames.RescheduleAppointment or Messaging.Language.Intents.IntentNames.BookAppointment
            or Messaging.Language.Intents.IntentNames.HomeVisit
        && DialogNames.ForTurn(t) != top.Dialog;

    /// <summary>A confident question about a procedure or an office, asked while another question is pending.</summary>
    private bool IsSideQuestion(TurnContext t) =>
        t.Confidence >= options.Value.InterruptionConfidence
        && (t.Intent == Messaging.Language.Intents.IntentNames.ProcedureInfo
            || (t.Intent == Messaging.Language.Intents.IntentNames.OfficeInfo && t.Entity(EntityTypes.Office) is not null));

    private static string LocaleOf(Activity incoming, string stored) =>
        incoming.Locale is { Length: >= 2 } l ? (l.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "vi") : stored;

    private static List<Activity> Stamp(List<Activity> replies, Activity incoming, TurnIdentity identity, string conversationId,
        DateTimeOffset now) =>
        replies.Select(r => r with
        {
            Id = Guid.NewGuid().ToString("N"),
            Timestamp = now,
            ChannelId = incoming.ChannelId ?? identity.Channel,
            Conversation = new ConversationAccount(conversationId),
            From = new ChannelAccount("bot", "Công an xã", "bot"),
            Recipient = incoming.From,
            ReplyToId = incoming.Id,
            TextFormat = "plain",
        }).ToList();

    /// <summary>
    /// What is kept of a citizen's message: only what the product uses (no channel data, attachments or client-chosen
    /// extras), the identity the server established, and the text with phone, ID and dossier numbers masked: by the
    /// recognizers' entities and, whatever they missed, by pattern.
    /// </summary>
    public static Activity StoredCopy(Activity incoming, TurnIdentity identity, string conversationId, IReadOnlyList<Entity> entities) => new()
    {
        Type = incoming.Type,
        Id = incoming.Id,
        Timestamp = incoming.Timestamp,
        ChannelId = identity.Channel,
        // What a client put in from.id and from.name is shown to officers, so it is masked like the text.
        From = new ChannelAccount(PersonalData.Mask(incoming.From?.Id ?? identity.Subject), incoming.From?.Name is { } n ? PersonalData.Mask(n) : null, "user"),
        Conversation = new ConversationAccount(conversationId),
        Text = MaskedText(incoming, entities),
        Locale = incoming.Locale,
    };

    /// <summary>What a citizen typed, with every phone, ID and dossier number masked: the transcript officers read.</summary>
    public static Activity MaskedCopy(Activity incoming, IReadOnlyList<Entity> entities) =>
        incoming with { Text = MaskedText(incoming, entities), Value = null };

    private static string? MaskedText(Activity incoming, IReadOnlyList<Entity> entities)
    {
        var text = incoming.TextOrValue;
        if (text is null) return null;
        foreach (var e in entities.Where(e => e.Type is EntityTypes.Phone or EntityTypes.CitizenId).OrderByDescending(e => e.Start))
        {
            var masked = e.Type == EntityTypes.Phone ? VietnamesePhone.Mask(e.Value) : CitizenId.Mask(e.Value);
            text = text[..e.Start] + masked + text[e.End..];
        }
        return PersonalData.Mask(text);
    }

    private static TranscriptEntry Entry(string direction, Activity activity) =>
        new(direction, JsonSerializer.Serialize(activity, ActivityJson.Options), activity.Text);
}
