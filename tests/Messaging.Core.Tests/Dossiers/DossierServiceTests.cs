using Messaging.Core.Dossiers;
using Messaging.Core.Persistence;
using Messaging.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Core.Tests.Dossiers;

public abstract class DossierServiceTests(Func<Task<TestDatabase>> create) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private const string Code = "000.00.12.H55-240930-0101";

    public async Task InitializeAsync()
    {
        _db = await create();
        await _db.InScopeAsync(sp => TestData.SeedAsync(sp.GetRequiredService<MessagingDbContext>()));
        var report = await Import(Row());
        Assert.Equal(1, report.Created);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static DossierImportRow Row(string code = Code, string status = "processing", string phone = "0912345678",
        string? note = null, string office = TestData.OfficeId) =>
        new(code, "cccd-renewal", office, "Nguyễn Văn An", phone, "051090001234", status,
            TestData.At(2024, 9, 30, 8, 0), new DateOnly(2024, 10, 9), note);

    private Task<DossierImportReport> Import(params DossierImportRow[] rows) => ImportDry(false, rows);

    private Task<DossierImportReport> ImportDry(bool dry, params DossierImportRow[] rows) =>
        _db.InScopeAsync(sp => sp.GetRequiredService<DossierService>().ImportAsync(rows, dry, "test", default));

    private async Task<DossierView?> Lookup(string? code, string? factor) =>
        (await _db.InScopeAsync(sp => sp.GetRequiredService<DossierService>().LookupAsync(code, factor, null, default))).View;

    private Task<List<string>> OutboxTypes() =>
        _db.InScopeAsync(sp => sp.GetRequiredService<MessagingDbContext>().Outbox.Select(o => o.Type).ToListAsync());

    [Theory]
    [InlineData(Code, "5678")]
    [InlineData("000.00.12.h55-240930-0101", "051090001234")]
    [InlineData(" 000.00.12.H55 - 240930 - 0101 ", "5 678")]
    public async Task Lookup_succeeds_with_the_code_and_either_factor(string code, string factor)
    {
        var view = await Lookup(code, factor);
        Assert.NotNull(view);
        Assert.Equal(Code, view.Code);
        Assert.Equal(DossierStatus.Processing, view.Status);
        Assert.Equal(new DateOnly(2024, 10, 9), view.ExpectedResultDate);
    }

    [Theory]
    [InlineData(Code, "1234")]            // wrong last digits
    [InlineData(Code, "051090001235")]    // wrong ID number
    [InlineData(Code, "678")]             // too short to count as a factor
    [InlineData(Code, "")]
    [InlineData(Code, null)]
    [InlineData("000.00.12.H55-240930-0102", "5678")] // unknown code, right-looking factor
    [InlineData("not a code", "5678")]
    public async Task Every_mismatch_gets_the_same_empty_answer(string? code, string? factor) =>
        Assert.Null(await Lookup(code, factor));

    [Fact]
    public async Task Import_is_an_idempotent_upsert()
    {
        var again = await Import(Row());
        Assert.Equal((0, 0, 1), (again.Created, again.Updated, again.Unchanged));

        var ready = await Import(Row(status: "ready-for-pickup", note: "Mời đến nhận"));
        Assert.Equal(1, ready.Updated);
        var replay = await Import(Row(status: "ready-for-pickup", note: "Mời đến nhận"));
        Assert.Equal(1, replay.Unchanged);

        Assert.Single(await OutboxTypes(), "dossier.status-changed");
        var view = await Lookup(Code, "5678");
        Assert.Equal(DossierStatus.ReadyForPickup, view!.Status);
        Assert.Equal("Mời đến nhận", view.LastNote);
        Assert.Equal([DossierStatus.Processing, DossierStatus.ReadyForPickup], view.History.Select(h => h.Status));
    }

    [Fact]
    public async Task A_changed_phone_updates_without_a_status_event()
    {
        var report = await Import(Row(phone: "0987654321"));
        Assert.Equal(1, report.Updated);
        Assert.Empty(await OutboxTypes());
        Assert.NotNull(await Lookup(Code, "4321"));
        Assert.Null(await Lookup(Code, "5678"));
    }

    [Fact]
    public async Task Bad_rows_are_reported_and_good_rows_still_land()
    {
        var report = await Import(
            Row("000.00.12.H55-261101-0001"),
            Row("bogus"),
            Row("000.00.12.H55-261101-0002", phone: "0241234567"),
            Row("000.00.12.H55-261101-0003", status: "lost"),
            Row("000.00.12.H55-261101-0004", office: "nowhere"),
            Row("000.00.12.H55-261301-0005"),
            Row("000.00.12.H55-261101-0001"));
        Assert.Equal(1, report.Created);
        Assert.Equal([2, 3, 4, 5, 6, 7], report.Errors.Select(e => e.Row));
        Assert.Contains("phone", report.Errors[1].Message);
        Assert.Contains("status must be one of", report.Errors[2].Message);
        Assert.Contains("twice", report.Errors[5].Message);
    }

    [Fact]
    public async Task A_dry_run_reports_and_saves_nothing()
    {
        var report = await ImportDry(true, Row("000.00.12.H55-261101-0001"), Row(status: "rejected"));
        Assert.Equal((1, 1, true), (report.Created, report.Updated, report.DryRun));
        Assert.Null(await Lookup("000.00.12.H55-261101-0001", "5678"));
        Assert.Equal(DossierStatus.Processing, (await Lookup(Code, "5678"))!.Status);
        Assert.Empty(await OutboxTypes());
    }

    [Fact]
    public async Task An_officer_status_update_writes_history_and_an_event()
    {
        await _db.InScopeAsync(sp => sp.GetRequiredService<DossierService>()
            .UpdateStatusAsync(Code, DossierStatus.NeedsSupplement, "Thiếu ảnh", "officer-1", null, default));
        var view = await Lookup(Code, "5678");
        Assert.Equal(DossierStatus.NeedsSupplement, view!.Status);
        Assert.Equal("officer-1", view.History[^1].By);
        Assert.Single(await OutboxTypes());
    }
}

public sealed class SqliteDossierServiceTests()
    : DossierServiceTests(() => TestDatabase.CreateAsync(DatabaseProvider.Sqlite));

[Collection(PostgresCollection.Name)]
public sealed class PostgresDossierServiceTests(PostgresFixture pg)
    : DossierServiceTests(() => TestDatabase.CreateAsync(DatabaseProvider.Postgres, pg.Server));

public sealed class DossierCsvTests
{
    [Fact]
    public void Csv_with_header_aliases_quotes_and_both_date_forms_parses()
    {
        const string csv = """
            code,procedure_id,office_id,applicant_name,phone,citizen_id,status,received_at,expected_result_date,note
            000.00.12.H55-261101-0001,cccd-renewal,test-office,"Trần Thị Bình",0905111222,,processing,2026-11-01T08:00:00+07:00,2026-11-10,
            000.00.12.H55-261101-0002,passport,test-office,"Lê, Văn C",0905111223,,received,,10/11/2026,"ghi chú, có dấu phẩy"
            000.00.12.H55-261101-0003,passport,test-office,X,0905111224,,received,yesterday,,
            """;
        var (rows, errors) = DossierService.ParseCsv(new StringReader(csv));
        Assert.Equal(2, rows.Count);
        Assert.Equal("Lê, Văn C", rows[1].ApplicantName);
        Assert.Equal(new DateOnly(2026, 11, 10), rows[1].ExpectedResultDate);
        Assert.Equal("ghi chú, có dấu phẩy", rows[1].Note);
        Assert.Null(rows[0].CitizenId);
        var error = Assert.Single(errors);
        Assert.Contains("received_at", error.Message);
    }

    [Fact]
    public void Missing_columns_are_named()
    {
        var (rows, errors) = DossierService.ParseCsv(new StringReader("code,phone\nx,y\n"));
        Assert.Empty(rows);
        Assert.Contains("procedureid", Assert.Single(errors).Message);
    }
}
