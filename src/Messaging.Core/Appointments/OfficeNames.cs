namespace Messaging.Core.Appointments;

/// <summary>
/// An office's name for English readers: "Công an xã Tịnh Hà" is "Tịnh Hà Commune Police". Place names stay as they
/// are (with their marks); only the kind of office is translated. A name that fits no known pattern is kept.
/// </summary>
public static class OfficeNames
{
    private static readonly (string Prefix, string Suffix)[] Kinds =
    [
        ("Công an xã ", " Commune Police"),
        ("Công an phường ", " Ward Police"),
        ("Công an đặc khu ", " Special Zone Police"),
        ("Công an thị trấn ", " Town Police"),
        ("Công an tỉnh ", " Provincial Police"),
        ("Công an thành phố ", " City Police"),
    ];

    public static string English(string name)
    {
        const string immigration = "Phòng Quản lý xuất nhập cảnh, ";
        if (name.StartsWith(immigration, StringComparison.Ordinal)) return "Immigration Department, " + English(name[immigration.Length..]);
        foreach (var (prefix, suffix) in Kinds)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return name[prefix.Length..] + suffix;
        return name;
    }

    public static string For(string name, string locale) => locale.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English(name) : name;
}
