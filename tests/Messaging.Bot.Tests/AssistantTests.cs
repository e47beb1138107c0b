using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Messaging.Assistant;
using Messaging.Bot.Activities;
using Messaging.Core.Persistence;
using Messaging.Testing.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Messaging.Testing.Fakes.ScriptedChatServer;

namespace Messaging.Bot.Tests;

/// <summary>
/// The assistant against a scripted OpenAI-compatible server over real HTTP (the chat-completions wire format, tool
/// calls included), through Semantic Kernel's OpenAI connector, with the real engine, services and database.
/// </summary>
public sealed class AssistantTests : IAsyncLifetime
{
    private const string Office = "ca-xa-tinh-ha";
    private readonly ScriptedChatServer _model = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => await _model.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await _model.DisposeAsync();
    }

    private async Task StartAsync(Dictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Assistant:Enabled"] = "true",
            ["Assistant:Endpoint"] = _model.Endpoint.ToString(),
            ["Assistant:Model"] = "scripted",
            ["Assistant:Timeout"] = "00:00:05",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        _host = await BotHost.StartAsync(settings: settings, configure: services =>
        {
            services.AddMessagingAssistant(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            configure?.Invoke(services);
        });
    }

    private Task<int> BookingsAsync() => InScope(db => db.Bookings.CountAsync());

    private async Task<T> InScope<T>(Func<MessagingDbContext, Task<T>> query)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MessagingDbContext>());
    }

    private IEnumerable<string> RequestBodies => _model.Requests.Select(r => r.GetRawText());

    [Fact]
    public async Task Find_free_slots_then_book_appointment_books_only_after_the_citizen_confirms()
    {
        // Every message goes to the assistant here; routing has its own test.
        await StartAsync(new() { ["Assistant:MinConfidence"] = "1.01" });
        var booking = new { procedure_id = "cccd-renewal", office_id = Office, start = "", name = "[NAME_1]", phone = "[PHONE_1]" };
        string? slot = null;
        _model.Then(
            new Call("find_free_slots", new { procedure_id = "cccd-renewal", office_id = Office, date = "2026-11-24" }),
            new Decide(request =>
            {
                slot = LastToolResult(request).GetProperty("free")[0].GetProperty("start").GetString();
                return new Call("book_appointment", booking with { start = slot! });
            }),
            // A model that calls again at once, without asking, still books nothing.
            new Decide(request =>
            {
                Assert.Equal("confirmation_required", LastToolResult(request).GetProperty("status").GetString());
                return new Call("book_appointment", booking with { start = slot! });
            }),
            new Reply("Em đề xuất lịch Cấp đổi thẻ căn cước tại Công an xã Tịnh Hà sáng mai cho [NAME_1], số [PHONE_1]. Anh/chị xác nhận đặt lịch này không ạ?"));

        var proposal = await _host.SayAsync("ai-book", "mai ông nhà tôi muốn lên xã Tịnh Hà đổi căn cước, tên Nguyễn Văn An, sđt 0912345678");

        Assert.Equal(0, await BookingsAsync());
        var ask = Assert.Single(proposal);
        Assert.Contains("Nguyễn Văn An, số 0912***678", ask.Text);
        Assert.Equal(["Đồng ý", "Hủy"], ask.SuggestedActions!.Actions.Select(a => a.Title));

        _model.Then(new Call("book_appointment", booking with { start = slot! }), new Reply("Đã đặt lịch."));
        var confirmed = await _host.SayAsync("ai-book", "đồng ý");

        var made = await InScope(db => db.Bookings.SingleAsync());
        Assert.Equal(("Nguyễn Văn An", "0912345678", "cccd-renewal", Office), (made.CitizenName, made.Phone, made.ProcedureId, made.OfficeId));
        // Counted against its client like any booking, and not taken for proof of the phone.
        Assert.NotNull(made.ClientKey);
        Assert.False(made.PhoneVerified);
        Assert.Equal(slot, Messaging.Core.Appointments.OfficeTime.ToLocal(made.Start, null).ToString("yyyy-MM-dd'T'HH:mm"));
        var card = Assert.Single(confirmed).ChannelData!.Value.GetProperty("booking");
        Assert.Equal(made.Code, card.GetProperty("code").GetString());

        // What reached the model: placeholders, never the number or the name.
        Assert.All(RequestBodies, body =>
        {
            Assert.DoesNotContain("0912345678", body);
            Assert.DoesNotContain("Nguyễn Văn An", body);
            Assert.DoesNotContain("Nguy\\u1EC5n", body);
        });
        Assert.Contains(RequestBodies, body => body.Contains("[PHONE_1]") && body.Contains("[NAME_1]"));
    }

    [Fact]
    public async Task Where_codes_are_required_the_assistant_books_nothing_with_an_unproved_phone()
    {
        await StartAsync(new() { ["Assistant:MinConfidence"] = "1.01", ["Identity:PhoneVerification"] = "Always" });
        var booking = new { procedure_id = "cccd-renewal", office_id = Office, start = "2026-11-24T07:30", name = "[NAME_1]", phone = "[PHONE_1]" };
        JsonElement? result = null;
        _model.Then(new Call("book_appointment", booking), new Decide(request =>
        {
            result = LastToolResult(request);
            return new Reply("Anh/chị nhắn \"đặt lịch\" để đặt lịch qua biểu mẫu nhé.");
        }));
        await _host.SayAsync("ai-code", "đặt cho tôi lịch đổi căn cước sáng mai ở Tịnh Hà, tên Nguyễn Văn An, sđt 0912345678");
        Assert.Equal("PhoneNotVerified", result!.Value.GetProperty("error").GetString());
        Assert.Equal(0, await BookingsAsync());
    }

    [Fact]
    public async Task An_answer_that_invents_a_fee_is_replaced_by_the_knowledge_base_answer()
    {
        await StartAsync(new() { ["Assistant:MinConfidence"] = "1.01" });
        _model.Then(new Call("search_procedures", new { query = "hộ chiếu" }), new Reply("Làm hộ chiếu mất 150.000 đồng và 3 ngày làm việc."));

        var replies = await _host.SayAsync("ai-fee", "con tôi đi du học cần làm giấy gì để xuất cảnh");

        var text = Assert.Single(replies).Text!;
        Assert.DoesNotContain("150.000", text);
        Assert.Contains("100.000 đồng cấp mới", text); // the knowledge base's own fee for passports
        Assert.Contains("08 ngày làm việc", text);
    }

    [Fact]
    public async Task A_grounded_answer_is_sent_with_the_procedure_it_quotes()
    {
        await StartAsync(new() { ["Assistant:MinConfidence"] = "1.01" });
        _model.Then(new Call("get_procedure", new { procedure_id = "passport" }),
            new Reply("Hộ chiếu phổ thông cấp mới: lệ phí 100.000 đồng, tối đa 08 ngày làm việc."));

        var text = Assert.Single(await _host.SayAsync("ai-ok", "con tôi đi du học cần làm giấy gì để xuất cảnh")).Text!;

        Assert.StartsWith("Hộ chiếu phổ thông cấp mới: lệ phí 100.000 đồng, tối đa 08 ngày làm việc.", text);
        Assert.Contains("📚 Theo: ", text);
    }

    [Fact]
    public async Task Office_tools_answer_from_the_office_directory()
    {
        await StartAsync(new() { ["Assistant:MinConfidence"] = "1.01" });
        _model.Then(
            new Call("find_offices", new { query = "Tịnh Hà" }),
            new Decide(request =>
            {
                var offices = LastToolResult(request);
                Assert.Equal(Office, offices[0].GetProperty("id").GetString());
                return new Call("office_info", new { office_id = Office });
            }),
            new Decide(request =>
            {
                var info = LastToolResult(request);
                Assert.Equal("Công an xã Tịnh Hà", info.GetProperty("name").GetString());
                Assert.NotEmpty(info.GetProperty("hours").EnumerateArray());
                return new Reply("Công an xã Tịnh Hà ở " + info.GetProperty("address").GetString() + ".");
            }));

        var reply = Assert.Single(await _host.SayAsync("ai-office", "trụ sở công an xã tịnh hà nằm chỗ nào vậy"));

        Assert.StartsWith("Công an xã Tịnh Hà ở ", reply.Text);
        Assert.Equal(3, _model.Requests.Count);
    }

    [Fact]
    public async Task Confident_messages_stay_with_the_dialogs_and_out_of_scope_ones_go_to_the_assistant()
    {
        await StartAsync();
        var fee = await _host.SayAsync("route", "phí làm hộ chiếu bao nhiêu");
        Assert.Empty(_model.Requests);
        Assert.Contains("100.000 đồng", fee[0].Text);

        _model.Then(new Reply("Dạ, việc này Công an xã không giải quyết, anh/chị nhắn \"gặp cán bộ\" nếu cần hỗ trợ thêm."));
        var weather = await _host.SayAsync("route", "thời tiết hôm nay thế nào");
        Assert.Single(_model.Requests);
        Assert.StartsWith("Dạ, việc này Công an xã không giải quyết", weather[0].Text);
        var system = _model.Requests.Single().GetProperty("messages")[0];
        Assert.Equal("system", system.GetProperty("role").GetString());
        Assert.Contains("Công an xã Tịnh Hà (id ca-xa-tinh-ha", system.GetProperty("content").GetString());
    }

    [Fact]
    public async Task An_admins_new_wording_of_the_system_prompt_is_what_the_model_receives()
    {
        await StartAsync();
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<Messaging.Core.Templates.TemplateStore>();
            var variants = (await store.GetAsync("assistant/system", default))!.Live!.Variants.ToDictionary();
            variants["vi.chat"] = "Bạn là trợ lý của Công an xã. Hôm nay là {{ today }}. Luôn mở đầu bằng \"Dạ\".";
            var (draft, report) = await store.SaveDraftAsync("assistant/system", variants, "ngắn hơn", "admin-1", default);
            Assert.True(report.IsValid);
            await store.PublishAsync("assistant/system", draft.Number, "admin-1", default);
        }
        _model.Then(new Reply("Dạ, việc này Công an xã không giải quyết."));

        await _host.SayAsync("prompt", "thời tiết hôm nay thế nào");

        var system = _model.Requests.Single().GetProperty("messages")[0].GetProperty("content").GetString();
        Assert.Equal("Bạn là trợ lý của Công an xã. Hôm nay là 2026-11-23. Luôn mở đầu bằng \"Dạ\".", system);
    }

    [Fact]
    public async Task When_off_the_model_is_never_asked()
    {
        await StartAsync(new() { ["Assistant:Enabled"] = "false" });
        var replies = await _host.SayAsync("off", "thời tiết hôm nay thế nào");
        Assert.Empty(_model.Requests);
        Assert.StartsWith("Việc này nằm ngoài các thủ tục", replies[0].Text);
    }

    [Fact]
    public async Task An_endpoint_that_hangs_falls_back_to_the_dialogs_within_the_timeout()
    {
        await StartAsync(new() { ["Assistant:Timeout"] = "00:00:01" });
        _model.Then(new Hang());
        var clock = Stopwatch.StartNew();
        var replies = await _host.SayAsync("hang", "thời tiết hôm nay thế nào");
        clock.Stop();
        Assert.StartsWith("Việc này nằm ngoài các thủ tục", replies[0].Text);
        Assert.Single(_model.Requests);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task An_endpoint_that_refuses_connections_falls_back_to_the_dialogs()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await StartAsync(new() { ["Assistant:Endpoint"] = $"http://127.0.0.1:{port}/v1", ["Assistant:Timeout"] = "00:00:02" });
        var replies = await _host.SayAsync("down", "thời tiết hôm nay thế nào");
        Assert.StartsWith("Việc này nằm ngoài các thủ tục", replies[0].Text);
    }

    [Fact]
    public async Task A_remote_endpoint_gets_no_message_with_personal_data_and_no_personal_tools()
    {
        // A public host name, connected to the scripted server by the test's own handler: the product sees a remote endpoint.
        await StartAsync(new() { ["Assistant:Endpoint"] = "http://ai.example.com/v1", ["Assistant:MinConfidence"] = "1.01" }, services =>
            services.AddHttpClient(AssistantKernel.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(IPAddress.Loopback, _model.BaseUrl.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            }));

        var withPhone = await _host.SayAsync("remote", "số tôi là 0912345678, tôi muốn hỏi về thời tiết");
        Assert.Empty(_model.Requests);
        Assert.NotEmpty(withPhone);

        _model.Then(new Reply("Dạ, việc này Công an xã không giải quyết."));
        await _host.SayAsync("remote", "thời tiết hôm nay thế nào");
        var request = Assert.Single(_model.Requests);
        var tools = OfferedTools(request);
        Assert.Contains(tools, n => n.EndsWith("find_free_slots", StringComparison.Ordinal));
        Assert.DoesNotContain(tools, n => n.EndsWith("book_appointment", StringComparison.Ordinal) || n.EndsWith("get_dossier_status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dossier_lookup_needs_the_second_factor_and_a_mismatch_counts_as_a_failed_lookup()
    {
        await StartAsync(new() { ["Assistant:MinConfidence"] = "1.01" });
        _model.Then(new Call("get_dossier_status", new { code = "000.00.12.H55-240930-0101", factor = "[PHONE_1]" }),
            new Decide(request =>
            {
                Assert.Equal("not_found_or_mismatch", LastToolResult(request).GetProperty("status").GetString());
                return new Reply("Dạ, thông tin chưa khớp, anh/chị kiểm tra lại mã hồ sơ và số điện thoại giúp em.");
            }));

        await _host.SayAsync("ai-dossier", "kiểm tra giúp hồ sơ 000.00.12.H55-240930-0101 của tôi, số 0987000111");

        var state = await InScope(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == "ai-dossier"));
        Assert.Single(JsonSerializer.Deserialize<Engine.ConversationData>(state.StateJson)!.FailedLookups);
        Assert.All(RequestBodies, body => Assert.DoesNotContain("0987000111", body));
    }
}

public sealed class GroundingGuardTests
{
    private static readonly Messaging.Core.Procedures.ProcedureCatalog Catalog =
        Messaging.Core.Procedures.ProcedureCatalog.LoadDirectory(Path.Combine(Messaging.Testing.RepoPaths.Dialogs, "procedures"));
    private static readonly Messaging.Core.Procedures.Procedure[] Passport = [Catalog.Find("passport")!];

    [Theory]
    [InlineData("Lệ phí hộ chiếu cấp mới là 100.000 đồng, tối đa 08 ngày làm việc.", true)]
    [InlineData("Lệ phí là 100 nghìn đồng.", true)]
    [InlineData("Mức chuẩn là 400.000đ.", true)]
    [InlineData("Anh/chị đến lúc 9 giờ sáng ngày 25 tháng 11 là được.", true)]
    [InlineData("Lệ phí là 150.000 đồng.", false)]
    [InlineData("Chỉ mất 3 ngày làm việc.", false)]
    [InlineData("Làm hộ chiếu được miễn phí.", false)]
    [InlineData("Anh/chị mang theo giấy khai sinh và sổ hộ khẩu.", false)]
    public void Fees_durations_and_papers_must_be_in_the_retrieved_entry(string answer, bool grounded) =>
        Assert.Equal(grounded, GroundingGuard.Check(answer, Passport).Grounded);

    [Fact]
    public void An_answer_naming_a_fee_with_nothing_retrieved_is_not_grounded()
    {
        Assert.False(GroundingGuard.Check("Lệ phí là 50.000 đồng.", []).Grounded);
        Assert.True(GroundingGuard.Check("Dạ, việc này Công an xã không giải quyết.", []).Grounded);
    }
}

public sealed class PersonalDataMaskTests
{
    [Fact]
    public void Phone_id_email_and_name_become_placeholders_and_come_back_only_for_our_code()
    {
        var state = new Engine.AssistantState();
        var mask = new PersonalDataMask(state);
        var text = "tên Trần Thị Bình, sđt 0912345678, căn cước 051090001234, email binh@example.com";
        var entities = new Messaging.Language.Entities.Entity[]
        {
            new(Messaging.Language.Entities.EntityTypes.Phone, "0912345678", text.IndexOf("0912345678"), text.IndexOf("0912345678") + 10),
            new(Messaging.Language.Entities.EntityTypes.CitizenId, "051090001234", text.IndexOf("0510"), text.IndexOf("0510") + 12),
        };

        var masked = mask.Mask(text, entities);

        Assert.Equal("tên [NAME_1], sđt [PHONE_1], căn cước [ID_1], email [EMAIL_1]", masked);
        Assert.True(mask.FoundPersonalData);
        Assert.Equal("0912345678", mask.Unmask("[PHONE_1]"));
        Assert.Equal("Trần Thị Bình, 0912***678", mask.Display("[NAME_1], [PHONE_1]"));
        // The same value later, in a tool's result, is masked with the same placeholder.
        Assert.Equal("{\"phone\":\"[PHONE_1]\"}", mask.MaskKnown("{\"phone\":\"0912345678\"}"));
    }

    [Fact]
    public void A_number_the_extractor_missed_is_masked_but_a_dossier_code_is_kept()
    {
        var mask = new PersonalDataMask(new Engine.AssistantState());
        Assert.Equal("gọi [NUMBER_1] giúp", mask.Mask("gọi 0912 345 67 8 giúp", []));
        var code = "hồ sơ 000.00.12.H55-240930-0101";
        var entity = new Messaging.Language.Entities.Entity(Messaging.Language.Entities.EntityTypes.DossierCode, "000.00.12.H55-240930-0101", 6, code.Length);
        Assert.Equal(code, mask.Mask(code, [entity]));
    }

    [Theory]
    [InlineData("http://127.0.0.1:11434/v1", true)]
    [InlineData("http://localhost:8000/v1", true)]
    [InlineData("http://ollama:11434/v1", true)]
    [InlineData("http://192.168.1.20:8000/v1", true)]
    [InlineData("http://10.0.0.5/v1", true)]
    [InlineData("https://my-office.openai.azure.com", false)]
    [InlineData("https://api.openai.com/v1", false)]
    [InlineData("http://8.8.8.8/v1", false)]
    public void Local_endpoints_are_this_machine_and_the_private_network(string url, bool local) =>
        Assert.Equal(local, AssistantOptions.IsLocal(new Uri(url)));
}
