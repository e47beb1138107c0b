using System.Text;

namespace Messaging.Core.Templates;

/// <summary>A line diff ("- old", "+ new", "  same") for template history, by longest common subsequence.</summary>
public static class TextDiff
{
    public static string Lines(string? before, string? after)
    {
        var a = Split(before);
        var b = Split(after);
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var sb = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { sb.Append("  ").AppendLine(a[x]); x++; y++; }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y])) { sb.Append("+ ").AppendLine(b[y]); y++; }
            else { sb.Append("- ").AppendLine(a[x]); x++; }
        }
        return sb.ToString();
    }

    private static string[] Split(string? s) => string.IsNullOrEmpty(s) ? [] : s.Replace("\r\n", "\n").Split('\n');
}
