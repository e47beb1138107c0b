using Messaging.Core.Procedures;
using Messaging.Testing;

namespace Messaging.Core.Tests.Procedures;

public sealed class ProcedureCatalogTests
{
    private static readonly ProcedureCatalog Shipped = ProcedureCatalog.LoadDirectory(Path.Combine(RepoPaths.Dialogs, "procedures"));

    [Fact]
    public void The_shipped_knowledge_base_holds_every_required_procedure()
    {
        string[] required =
        [
            "cccd-first-issue", "cccd-renewal", "cccd-reissue", "permanent-residence", "temporary-residence",
            "stay-notification", "passport", "judicial-record", "vneid-level2", "residence-confirmation",
        ];
        Assert.All(required, id => Assert.NotNull(Shipped.Find(id)));
        var renewal = Shipped.Find("cccd-renewal")!;
        Assert.Equal("Cấp đổi thẻ căn cước", renewal.Title);
        Assert.Equal(50000, renewal.Fee!.AmountVnd);
        Assert.Equal(7, renewal.ProcessingTime!.WorkingDays);
        Assert.NotEmpty(renewal.Verify);
        Assert.Empty(Shipped.Find("stay-notification")!.Documents!);
    }

    [Theory]
    [InlineData("lam ho chieu", "passport")]
    [InlineData("đăng ký tạm trú", "temporary-residence")]
    [InlineData("xin ly lich tu phap", "judicial-record")]
    [InlineData("kich hoat vneid muc 2", "vneid-level2")]
    public void Search_matches_with_and_without_diacritics(string query, string expected) =>
        Assert.Equal(expected, Shipped.Search(query)[0].Id);

    private static List<string> Errors(string fileName, string text)
    {
        var errors = new List<string>();
        ProcedureCatalog.Parse(fileName, text, errors);
        return errors;
    }

    private static string Valid(string id = "sample", string extra = "") => $"""
        ---
        id: {id}
        title: Thủ tục mẫu
        title_en: Sample
        aliases: [mau]
        audience: Công dân
        documents:
          - name: Tờ khai
        fee:
          text: Miễn phí
        processing_time:
          text: 3 ngày
        where:
          offices: Công an xã
        legal_basis: [Luật]
        {extra}
        ---
        Ghi chú.
        """;

    [Fact]
    public void A_valid_file_parses_with_its_notes()
    {
        var errors = new List<string>();
        var p = ProcedureCatalog.Parse("sample.md", Valid(), errors);
        Assert.Empty(errors);
        Assert.Equal("Ghi chú.", p!.Notes);
    }

    [Fact]
    public void A_missing_field_names_the_file_and_the_field()
    {
        var errors = Errors("sample.md", Valid().Replace("fee:\n  text: Miễn phí\n", ""));
        Assert.Contains("sample.md: fee.text: is required.", errors);
    }

    [Fact]
    public void Malformed_yaml_names_the_file_line_and_column()
    {
        var error = Assert.Single(Errors("sample.md", Valid().Replace("aliases: [mau]", "aliases: [mau")));
        Assert.StartsWith("sample.md: line ", error);
        Assert.Contains("column", error);
    }

    [Fact]
    public void An_unknown_field_is_an_error_not_silently_dropped()
    {
        var error = Assert.Single(Errors("sample.md", Valid(extra: "fees_typo: 1")));
        Assert.Contains("sample.md", error);
        Assert.Contains("fees_typo", error);
    }

    [Fact]
    public void The_id_must_match_the_file_name_and_verify_must_name_a_field()
    {
        Assert.Contains("other.md: id: must equal the file name 'other'.", Errors("other.md", Valid()));
        var errors = Errors("sample.md", Valid(extra: "verify:\n  - field: colour\n    note: x"));
        Assert.Contains(errors, e => e.Contains("verify.field") && e.Contains("colour"));
    }

    [Fact]
    public void A_file_without_front_matter_is_refused() =>
        Assert.Contains("front matter", Assert.Single(Errors("sample.md", "just text")));

    [Fact]
    public void Loading_a_folder_collects_every_error_and_refuses()
    {
        var dir = Directory.CreateTempSubdirectory("kb-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "sample.md"), Valid());
            File.WriteAllText(Path.Combine(dir, "broken.md"), Valid("broken").Replace("title: Thủ tục mẫu\n", ""));
            var e = Assert.Throws<ProcedureCatalogException>(() => ProcedureCatalog.LoadDirectory(dir));
            Assert.Equal(["broken.md: title: is required."], e.Errors);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Exclusions_are_read_with_the_side_they_apply_to()
    {
        var p = ProcedureCatalog.Parse("sample.md", Valid(extra: "unless_beside: [\"… hàng hóa\", \"thuế …\"]"), []);
        Assert.Equal(["… hàng hóa", "thuế …"], p!.UnlessBeside);
    }

    [Fact]
    public void A_procedure_that_covers_an_unknown_one_or_lacks_its_intent_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("kb-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "sample.md"), Valid(extra: "asked_as: home_visit\ncovers: [other, nowhere]"));
            File.WriteAllText(Path.Combine(dir, "other.md"), Valid("other", "covers: [sample]"));
            var e = Assert.Throws<ProcedureCatalogException>(() => ProcedureCatalog.LoadDirectory(dir));
            Assert.Equal(["other.md: asked_as and covers: give both (the intent, and the procedures its messages may name) or neither.",
                "sample.md: covers: 'nowhere' is not a procedure of the knowledge base."], e.Errors);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Taking_over_needs_its_words_and_another_procedure_of_the_knowledge_base()
    {
        Assert.Contains(Errors("sample.md", Valid(extra: "takes_over: other")), e => e.Contains("takes_over_on: is required", StringComparison.Ordinal));
        var dir = Directory.CreateTempSubdirectory("kb-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "sample.md"), Valid(extra: "takes_over: nowhere\ntakes_over_on: [hết hạn]"));
            var e = Assert.Throws<ProcedureCatalogException>(() => ProcedureCatalog.LoadDirectory(dir));
            Assert.Contains("sample.md: takes_over: 'nowhere' is not another procedure of the knowledge base.", e.Errors);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_shipped_referrals_load_with_where_to_go_in_both_languages()
    {
        Assert.True(Shipped.Referrals.Count >= 10);
        var civil = Shipped.FindReferral("civil-status")!;
        Assert.Contains("đăng ký kết hôn", civil.Aliases);
        Assert.Contains("Ủy ban nhân dân", civil.Where);
        Assert.Contains("People's Committee", civil.WhereEn);
    }

    [Fact]
    public void A_referral_that_is_incomplete_repeats_an_id_or_names_one_of_our_procedures_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("kb-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "sample.md"), Valid());
            File.WriteAllText(Path.Combine(dir, ProcedureCatalog.ReferralsFile), """
                referrals:
                  - { id: land, title: đất đai, title_en: land, where: UBND xã, where_en: the People's Committee, source: Luật Đất đai, aliases: [sổ đỏ, "Mẫu"] }
                  - { id: land, title: đất, title_en: land, where_en: x, source: y, aliases: [đất] }
                """);
            var e = Assert.Throws<ProcedureCatalogException>(() => ProcedureCatalog.LoadDirectory(dir));
            Assert.Equal(["referrals.yml: referrals[0].aliases: 'Mẫu' also names one of our procedures.",
                "referrals.yml: referrals[1].id: 'land' is used twice.", "referrals.yml: referrals[1].where: is required."], e.Errors);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("referrals:\n  - \n", "an entry is empty")]
    [InlineData("referrals:\n  - { id: ~, title: a, title_en: a, where: a, where_en: a, source: a, aliases: [sổ đỏ] }\n", "referrals[0].id: is required")]
    [InlineData("referrals:\n  - { id: land, title: a, title_en: a, where: a, where_en: a, source: a, aliases: }\n", "referrals[0].aliases: needs names")]
    [InlineData("referrals:\n  - { id: land, title: a, title_en: a, where: a, where_en: a, source: a, aliases: [\"…\"] }\n", "referrals[0].aliases: needs names")]
    [InlineData("referrals:\n  - { id: land, title: a, title_en: a, where: a, where_en: a, source: a, aliases: [sổ đỏ], papers: [sổ hồng] }\n", "'sổ hồng' is not one of the aliases")]
    [InlineData("referrals:\n  - { id: land, title: a, title_en: a, where: a, where_en: a, source: a, aliases: [sổ đỏ] }\n  - { id: bank, title: a, title_en: a, where: a, where_en: a, source: a, aliases: [so do] }\n", "'so do' also names 'land'")]
    public void A_malformed_referrals_file_is_refused_with_the_field_at_fault(string yaml, string problem)
    {
        var dir = Directory.CreateTempSubdirectory("kb-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "sample.md"), Valid());
            File.WriteAllText(Path.Combine(dir, ProcedureCatalog.ReferralsFile), yaml);
            var e = Assert.Throws<ProcedureCatalogException>(() => ProcedureCatalog.LoadDirectory(dir));
            Assert.Contains(e.Errors, x => x.Contains(problem, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("unless_beside: [\"[mau tại\"]", "one name in brackets")]
    [InlineData("unless_beside: [\"ở [mau] tại\"]", "one side of the bracketed name")]
    [InlineData("unless_beside: [\"[nowhere] tại\"]", "the title or one of the aliases")]
    public void A_malformed_exclusion_is_refused(string extra, string problem) =>
        Assert.Contains(Errors("sample.md", Valid(extra: extra)), e => e.Contains(problem, StringComparison.Ordinal));

    [Fact]
    public void An_exclusion_on_an_alias_is_accepted() =>
        Assert.Empty(Errors("sample.md", Valid(extra: "unless_beside: [\"[mau] tại thôn\", \"thuế …\"]")));

    [Fact]
    public void Asked_as_must_be_an_intent_and_a_procedure_cannot_cover_itself()
    {
        var dir = Directory.CreateTempSubdirectory("kb-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "sample.md"), Valid(extra: "asked_as: home-visit\ncovers: [sample]"));
            var e = Assert.Throws<ProcedureCatalogException>(() => ProcedureCatalog.LoadDirectory(dir));
            Assert.Contains(e.Errors, x => x.Contains("a procedure does not cover itself", StringComparison.Ordinal));
            Assert.Contains(e.Errors, x => x.Contains("'home-visit' is not an intent", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
