using System.Globalization;
using System.Text.Json;
using Messaging.Bot.Activities;
using Messaging.Bot.Dialogs;
using Messaging.Bot.Engine;
using Messaging.Core.Appointments;
using Messaging.Core.Persistence;
using Messaging.Core.Templates;
using Messaging.Language.Intents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Messaging.Assistant;

/// <summary>
/// The AI assistant's turn: messages the language model is unsure of or calls out of scope (and the replies to an
/// exchange the assistant started) go to the model with our tools; everything it says is masked on the way in,
/// checked against the knowledge base on the way out, and rendered through a template. Off, unreachable, slow or
/// ungrounded without a knowledge-base answer to fall back on: the dialogs answer instead.
/// </summary>
public sealed class AssistantResponder(AssistantKernel kernels, IOptionsMonitor<AssistantOptions> options, DialogSet dialogs,
    ILogger<AssistantResponder> log) : ITurnAssistant
{
    private static readonly string[] PersonalTools = ["book_appointment", "get_dossier_status"];

    public async Task<bool> TryAnswerAsync(TurnContext t, CancellationToken ct)
    {
        var o = options.CurrentValue;
        if (!o.Enabled || o.EndpointUri is null) return false;
        var previous = t.State.Assistant is { } s && t.Now - s.LastAt <= o.IdleTimeout ? s : null;
        if (!Routes(t, previous, o)) return false;

        // Work on a copy: a turn the assistant does not answer leaves the exchange as it was.
        var state = previous is null ? new AssistantState() : JsonSerializer.Deserialize<AssistantState>(JsonSerializer.Serialize(previous))!;
        var mask = new PersonalDataMask(state);
        var userText = mask.Mask(t.Text, t.Nlu.Entities);
        var remote = !o.EndpointIsLocal;
        if (remote && !o.AllowPersonalDataToRemote && mask.FoundPersonalData)
        {
            log.PersonalDataKeptFromRemote();
            return false;
        }

        var tools = new CitizenTools(t, state, mask);
        var kernel = kernels.Kernel.Clone();
        var plugin = KernelPluginFactory.CreateFromObject(tools, "citizen");
        kernel.Plugins.Add(remote && !o.AllowPersonalDataToRemote
            ? KernelPluginFactory.CreateFromFunctions("citizen", plugin.Where(f => !PersonalTools.Contains(f.Name)))
            : plugin);
        var budget = new ToolBudget(o.MaxToolCalls);
        kernel.AutoFunctionInvocationFilters.Add(budget);

        var history = new ChatHistory(await SystemPromptAsync(t, ct));
        foreach (var m in state.History) history.AddMessage(m.Role == "assistant" ? AuthorRole.Assistant : AuthorRole.User, m.Content);
        history.AddUserMessage(userText);

        string answer;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(o.Timeout);
            try
            {
                var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), Temperature = 0.2, MaxTokens = 700 };
                var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, settings, kernel, deadline.Token);
                answer = reply.Content?.Trim() ?? "";
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.AssistantDidNotAnswer(deadline.IsCancellationRequested ? "timed out" : e.GetType().Name);
                return tools.Booked is { } made && await SayBookedAsync(t, state, made, userText, o, ct);
            }
        }

        if (tools.Booked is { } booked) return await SayBookedAsync(t, state, booked, userText, o, ct);
        if (budget.Exhausted)
        {
            log.ToolCallsUsedUp(o.MaxToolCalls);
            return false;
        }
        if (answer.Length == 0) return false;

        var verdict = GroundingGuard.Check(mask.Display(answer), tools.Retrieved);
        if (!verdict.Grounded)
        {
            log.UngroundedAnswerReplaced(string.Join(", ", verdict.Unsupported));
            if (tools.Retrieved.FirstOrDefault() is not { } procedure) return false;
            t.State.Memory["procedure"] = procedure.Id;
            await dialogs.Get(DialogNames.ProcedureInfo).ContinueAsync(t, new DialogFrame(), ct);
            return true;
        }

        var en = t.Locale == "en";
        await t.SayAsync("assistant/answer", new
        {
            answer = mask.Display(answer),
            sources = tools.Retrieved.Select(p => en ? p.TitleEn : p.Title).Distinct().ToList(),
        }, actions: state.Proposal is null ? null :
        [
            new CardAction(ActionTypes.ImBack, en ? "Confirm" : "Đồng ý", en ? "yes" : "đồng ý"),
            new CardAction(ActionTypes.ImBack, en ? "Cancel" : "Hủy", en ? "cancel" : "hủy"),
        ], ct: ct);
        Remember(t, state, userText, answer, o);
        return true;
    }

    /// <summary>
    /// Unsure or out-of-scope messages, and the answers to a question the assistant asked ("đồng ý" to its proposal).
    /// A message the dialogs are sure about stays with them.
    /// </summary>
    private static bool Routes(TurnContext t, AssistantState? exchange, AssistantOptions o) =>
        t.Intent == IntentNames.OutOfScope
        || t.Confidence < o.MinConfidence
        || (exchange is not null && t.Intent is IntentNames.Affirm or IntentNames.Deny or IntentNames.Inform);

    private async Task<bool> SayBookedAsync(TurnContext t, AssistantState state, (Booking Booking, Office Office) made, string userText,
        AssistantOptions o, CancellationToken ct)
    {
        await Confirmation.SayBookedAsync(t, made.Booking, made.Office, ct);
        Remember(t, state, userText, $"Đã đặt lịch, mã {made.Booking.Code}, số thứ tự {made.Booking.QueueNumber}.", o);
        return true;
    }

    private static void Remember(TurnContext t, AssistantState state, string userText, string answer, AssistantOptions o)
    {
        state.History.Add(new AssistantMessage("user", userText));
        state.History.Add(new AssistantMessage("assistant", answer));
        if (state.History.Count > o.HistoryMessages) state.History.RemoveRange(0, state.History.Count - o.HistoryMessages);
        state.LastAt = t.Now;
        t.State.Assistant = state;
    }

    private static async Task<string> SystemPromptAsync(TurnContext t, CancellationToken ct)
    {
        var offices = await t.Service<OfficeDirectory>().AllAsync(t.Service<MessagingDbContext>(), ct);
        var local = OfficeTime.ToLocal(t.Now, null);
        var rendered = await t.Service<TemplateStore>().RenderAsync("assistant/system", TemplateChannels.Chat, t.Locale,
            JsonSerializer.SerializeToElement(new
            {
                today = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                weekday = local.DayOfWeek.ToString(),
                offices = offices.Select(x => new { id = x.Id, name = x.Name, commune = x.Commune }).ToList(),
            }), ct);
        return rendered?.Text ?? throw new InvalidOperationException("Template assistant/system has no chat variant.");
    }

    /// <summary>A turn's tool calls are capped, so a model that loops on its tools cannot hold a citizen's turn forever.</summary>
    private sealed class ToolBudget(int max) : IAutoFunctionInvocationFilter
    {
        private int _calls;

        public bool Exhausted => _calls > max;

        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            if (Interlocked.Increment(ref _calls) > max)
            {
                context.Terminate = true;
                return;
            }
            await next(context);
        }
    }
}
