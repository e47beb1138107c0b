namespace Messaging.Language.Text;

/// <summary>
/// What a chat word means where it stands. Central and southern forms typed with their marks ("mần", "ở mô", "răng",
/// "hông") are unambiguous and map to the standard word; short forms that collide are decided by their neighbours:
/// "hk" is hộ khẩu after "sổ", "nhập", "cắt" and không elsewhere; "hong" is hỏng after "thẻ", "bị" and không elsewhere;
/// "tt" is thị trấn after "công an" or before a capitalised name, thủ tục before "nhập" ("tt nhập học"), and tạm trú
/// otherwise; "ca" is cả before "nhà", "hai" and a shift before "đêm"; "chú" is trú after
/// "thường", "tạm". Everything works on folded words, so the rules cost a dictionary lookup per word.
/// </summary>
internal static class Dialect
{
    /// <summary>Forms typed with diacritics (toned, lower case, old-style tone placement) and the folded words they mean.</summary>
    private static readonly Dictionary<string, string[]> Toned = Build(new Dictionary<string, string>
    {
        ["hông"] = "khong", ["hổng"] = "khong", ["hơm"] = "khong",
        ["mần"] = "lam", ["mô"] = "dau", ["răng"] = "sao", ["rứa"] = "vay", ["nớ"] = "do", ["tê"] = "kia", ["chừ"] = "gio",
        ["ni"] = "nay", ["nì"] = "nay", ["hỉ"] = "nhi", ["dzậy"] = "vay", ["zậy"] = "vay", ["dzị"] = "vay", ["zị"] = "vay",
        ["chíu"] = "chieu", ["bít"] = "biet", ["mún"] = "muon", ["hổm"] = "hom", ["nhiêu"] = "bao nhieu", ["chíp"] = "chip",
    });

    private static readonly HashSet<string> TonedFolded = [.. Toned.Keys.Select(k => Folding.Fold(k)), "chu"];

    /// <summary>Unmarked chat spellings beyond <see cref="Abbreviations"/> that never mean anything else here.</summary>
    private static readonly Dictionary<string, string[]> Plain = Build(new Dictionary<string, string>
    {
        ["khum"] = "khong", ["hem"] = "khong", ["hum"] = "khong", ["kh0ng"] = "khong", ["bik"] = "biet", ["bit"] = "biet",
        ["mun"] = "muon", ["mn"] = "moi nguoi", ["wa"] = "qua", ["lun"] = "luon", ["nhiu"] = "nhieu", ["thui"] = "thoi",
        ["nhen"] = "nhe", ["dzay"] = "vay", ["zay"] = "vay", ["dzi"] = "vay", ["gplx"] = "giay phep lai xe",
        ["hokhau"] = "ho khau", ["tamtru"] = "tam tru", ["thuongtru"] = "thuong tru", ["cancuoc"] = "can cuoc",
        ["hochieu"] = "ho chieu", ["lylich"] = "ly lich", ["xn"] = "xac nhan", ["vk"] = "vo", ["ck"] = "chong",
        ["ctu"] = "cu tru", ["cutru"] = "cu tru", ["tvang"] = "tam vang", ["tamvang"] = "tam vang",
        ["kt"] = "kiem tra", ["ktra"] = "kiem tra", ["ng"] = "nguoi", ["gđ"] = "gia dinh", ["gd"] = "gia dinh",
        ["nope"] = "no", ["nah"] = "no",
    });

    private static readonly HashSet<string> HoKhauBefore = ["so", "nhap", "cat", "chuyen", "tach", "xoa", "ky", "trong", "vao", "khai", "theo", "ra"];
    private static readonly HashSet<string> BrokenBefore = ["the", "bi", "cuoc", "chip", "cccd", "cmnd", "nhan"];
    private static readonly HashSet<string> AllBefore = ["tat"];
    // "ca đêm", "ca kíp": a work shift, not the police.
    private static readonly HashSet<string> AllAfter = ["nha", "gia", "hai", "2", "ba", "3", "ngay", "tuan", "thang", "lan", "vo", "chong", "con", "ho", "dem", "kip"];
    private static readonly HashSet<string> ResidenceBefore = ["thuong", "tam"];
    private static readonly HashSet<string> WhereBefore = ["o", "di", "den", "toi", "ve", "cho"];
    private static readonly HashSet<string> DoAfter = ["can", "cccd", "the", "ho", "giay", "lai", "thu", "cmnd", "chi", "gi", "ri", "rang", "sao"];

    /// <summary>
    /// The folded words a token stands for in its context, or null to fall back to the plain abbreviation table.
    /// <paramref name="previous"/> is the last canonical word before it, <paramref name="next"/> the next token.
    /// </summary>
    public static string[]? Expand(string original, IReadOnlyList<Token> tokens, int t, string? previous)
    {
        var token = tokens[t];
        Token? next = t + 1 < tokens.Count ? tokens[t + 1] : null;
        // Southern "rút lịch", "rút hẹn", with marks or without: the appointment is withdrawn, cancelled.
        if (token.Folded == "rut" && next is { Folded: "lich" or "hen" }) return ["huy"];
        if (token.HasDiacritics)
        {
            // Most marked words are plain Vietnamese: only fold-alikes of a dialect form pay for the tone lookup.
            if (!TonedFolded.Contains(token.Folded)) return null;
            var toned = token.Respelled ?? Normalizer.TonedAsTyped(original, token);
            if (toned == "chú" && previous is not null && ResidenceBefore.Contains(previous)) return ["tru"];
            return Toned.GetValueOrDefault(toned);
        }
        var w = token.Folded;
        switch (w)
        {
            case "hk":
                return previous is not null && HoKhauBefore.Contains(previous) ? ["ho", "khau"] : ["khong"];
            case "hong":
                return previous is not null && BrokenBefore.Contains(previous) ? ["hong"] : ["khong"];
            case "tt":
                return next is { Capitalized: true } || previous is "an" or "cong" ? ["thi", "tran"]
                    // "làm tt nhập học": the procedure for it, thủ tục.
                    : next is { Folded: "nhap" } ? ["thu", "tuc"] : ["tam", "tru"];
            case "ca":
                // "đi làm ca sáng": a shift worked.
                return (previous is not null && AllBefore.Contains(previous)) || (next is { } n && AllAfter.Contains(n.Folded))
                    || previous == "lam" ? ["ca"] : ["cong", "an"];
            // "khu cn", "cụm cn": an industrial zone, not Sunday.
            case "cn" when previous is "khu" or "cum":
                return ["cong", "nghiep"];
            case "chu" when previous is not null && ResidenceBefore.Contains(previous):
                return ["tru"];
            case "mo" when previous is not null && WhereBefore.Contains(previous):
                return ["dau"];
            case "man" when next is { } n2 && DoAfter.Contains(n2.Folded):
                return ["lam"];
            case "rang" when previous is "lam" or "the" or "ra":
                return ["sao"];
            // "chịu" would fold the same, but never stands before "nay"/"mai": a dropped letter of "chiều".
            case "chiu" when next is { Folded: "nay" or "mai" }:
                return ["chieu"];
        }
        return Plain.GetValueOrDefault(w);
    }

    private static Dictionary<string, string[]> Build(Dictionary<string, string> source) =>
        source.ToDictionary(kv => kv.Key, kv => kv.Value.Split(' '));
}
