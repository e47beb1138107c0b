using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Messaging.Server.Pages.Staff.Charts;

/// <summary>One series of a chart: its name in the legend and its colour (at least 3:1 against white, WCAG 1.4.11).</summary>
public sealed record ChartSeries(string Name, string Colour);

/// <summary>
/// One bar: its label, a value per series (stacked in order), an optional capacity drawn as a marker, and an optional
/// word shown instead of the numbers (a day the office is closed).
/// </summary>
public sealed record ChartRow(string Label, IReadOnlyList<int> Values, int? Capacity = null, string? Note = null)
{
    public int Total => Values.Sum();
}

/// <summary>A horizontal bar chart, and how to say it to someone who cannot see it. <see cref="Id"/> is unique on the page.</summary>
public sealed record BarChart(string Id, string Title, string Description, string CategoryName, IReadOnlyList<ChartSeries> Series,
    IReadOnlyList<ChartRow> Rows, string? CapacityName = null)
{
    public bool IsEmpty => Rows.All(r => r.Total == 0 && (r.Capacity ?? 0) == 0);
}

/// <summary>
/// Draws bar charts as SVG on the server: no script, no library, nothing fetched, so the overview works offline and
/// under the Content-Security-Policy (presentation attributes only, never a style attribute). Bars run across: one row
/// per day or channel keeps every label legible at 390 px, where fourteen upright bars would have to drop labels. The
/// viewBox lets the drawing scale with its card; the stylesheet caps its width so text stays near body size on a desktop.
/// </summary>
public static class SvgChart
{
    public const string EmptyText = "Chưa có dữ liệu";
    public const string FreeName = "Còn trống";

    private const double Width = 420, Pad = 8, RowHeight = 28, BarHeight = 16, LegendRow = 24, FontSize = 15;
    // A rough em-width of system-ui text: enough to keep labels inside the drawing without measuring fonts.
    private const double CharWidth = 0.6 * FontSize;
    private const string Ink = "#1d2733", Muted = "#5f6b7a", TrackColour = "#e3e8ef", Rule = "#9aa5b1";

    /// <summary>The chart and, for screen readers and text browsers, its numbers as a table.</summary>
    public static HtmlString Render(BarChart chart) => new($"<figure class=\"chart\">{Svg(chart)}{Table(chart)}</figure>");

    public static string Svg(BarChart chart)
    {
        var s = new StringBuilder();
        if (chart.IsEmpty)
        {
            Open(s, chart, 60);
            s.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(Width / 2)}\" y=\"30\" dy=\"0.35em\" text-anchor=\"middle\" font-size=\"{N(FontSize)}\" fill=\"{Muted}\">{EmptyText}</text>");
            return s.Append("</svg>").ToString();
        }

        var rows = chart.Rows;
        var max = rows.Max(r => Math.Max(r.Total, r.Capacity ?? 0));
        var labelWidth = Math.Clamp(rows.Max(r => r.Label.Length) * CharWidth, 36, Width * 0.4);
        var valueWidth = Math.Max(30, rows.Max(r => ValueText(r).Length) * CharWidth + 6);
        var x0 = Pad + labelWidth + 8;
        var plot = Width - Pad - valueWidth - x0;
        double Length(int v) => Math.Max(0, v) / (double)max * plot;

        var (legend, lines) = Place(LegendOf(chart));
        var top = Pad + lines * LegendRow + 8;
        var bottom = top + rows.Count * RowHeight;
        Open(s, chart, bottom + Pad);

        s.Append("<g class=\"legend\">");
        foreach (var (entry, x, line) in legend) Key(s, entry, x, Pad + line * LegendRow + LegendRow / 2);
        s.Append("</g>");
        s.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{N(x0)}\" x2=\"{N(x0)}\" y1=\"{N(top - 2)}\" y2=\"{N(bottom + 2)}\" stroke=\"{Rule}\" stroke-width=\"1\"/>");

        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var y = top + i * RowHeight;
            var barY = y + (RowHeight - BarHeight) / 2;
            s.Append(CultureInfo.InvariantCulture, $"<g class=\"row\" data-label=\"{Escape(row.Label)}\">");
            s.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{N(x0 - 8)}\" y=\"{N(y + RowHeight / 2)}\" dy=\"0.35em\" text-anchor=\"end\" font-size=\"{N(FontSize)}\" fill=\"{Ink}\">{Escape(Fit(row.Label, labelWidth))}</text>");
            if (row.Capacity is int capacity && capacity > 0)
            {
                s.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"track\" x=\"{N(x0)}\" y=\"{N(barY)}\" width=\"{N(Length(capacity))}\" height=\"{N(BarHeight)}\" fill=\"{TrackColour}\"/>");
            }
            var x = x0;
            for (var j = 0; j < chart.Series.Count; j++)
            {
                var value = j < row.Values.Count ? row.Values[j] : 0;
                if (value <= 0) continue;
                var series = chart.Series[j];
                // A white edge parts stacked segments, so neighbours are told apart without relying on hue alone.
                s.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"bar\" data-series=\"{j}\" data-value=\"{value}\" x=\"{N(x)}\" y=\"{N(barY)}\" width=\"{N(Length(value))}\" height=\"{N(BarHeight)}\" fill=\"{Escape(series.Colour)}\" stroke=\"#ffffff\" stroke-width=\"1\"><title>{Escape(series.Name)}: {value}</title></rect>");
                x += Length(value);
            }
            if (row.Capacity is int cap && cap > 0)
            {
                var at = x0 + Length(cap);
                s.Append(CultureInfo.InvariantCulture,
                    $"<line class=\"capacity\" data-value=\"{cap}\" x1=\"{N(at)}\" x2=\"{N(at)}\" y1=\"{N(barY - 4)}\" y2=\"{N(barY + BarHeight + 4)}\" stroke=\"{Ink}\" stroke-width=\"2.5\"><title>{Escape(chart.CapacityName ?? "")}: {cap}</title></line>");
            }
            s.Append(CultureInfo.InvariantCulture,
                $"<text class=\"value\" x=\"{N(Width - Pad)}\" y=\"{N(y + RowHeight / 2)}\" dy=\"0.35em\" text-anchor=\"end\" font-size=\"{N(FontSize)}\" fill=\"{Ink}\">{Escape(ValueText(row))}</text>");
            s.Append("</g>");
        }
        return s.Append("</svg>").ToString();
    }

    /// <summary>The numbers behind the chart, folded away under the drawing: what a screen reader or a text browser reads.</summary>
    public static string Table(BarChart chart)
    {
        if (chart.IsEmpty) return "";
        var s = new StringBuilder("<details class=\"chart-data\"><summary>Xem bảng số liệu</summary><div class=\"scroll\"><table>");
        s.Append("<caption>").Append(Escape(chart.Title)).Append("</caption><thead><tr><th scope=\"col\">")
            .Append(Escape(chart.CategoryName)).Append("</th>");
        foreach (var series in chart.Series) s.Append("<th scope=\"col\">").Append(Escape(series.Name)).Append("</th>");
        if (chart.CapacityName is { } capacityName) s.Append("<th scope=\"col\">").Append(Escape(capacityName)).Append("</th>");
        s.Append("</tr></thead><tbody>");
        foreach (var row in chart.Rows)
        {
            s.Append("<tr><th scope=\"row\">").Append(Escape(row.Note is null ? row.Label : $"{row.Label} ({row.Note})")).Append("</th>");
            for (var j = 0; j < chart.Series.Count; j++)
                s.Append(CultureInfo.InvariantCulture, $"<td>{(j < row.Values.Count ? row.Values[j] : 0)}</td>");
            if (chart.CapacityName is not null) s.Append(CultureInfo.InvariantCulture, $"<td>{row.Capacity ?? 0}</td>");
            s.Append("</tr>");
        }
        return s.Append("</tbody></table></div></details>").ToString();
    }

    /// <summary>Text for XML and HTML alike; control characters, which XML cannot hold, are dropped.</summary>
    public static string Escape(string text)
    {
        var s = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': s.Append("&amp;"); break;
                case '<': s.Append("&lt;"); break;
                case '>': s.Append("&gt;"); break;
                case '"': s.Append("&quot;"); break;
                case '\'': s.Append("&#39;"); break;
                case < ' ' and not ('\t' or '\n' or '\r'): break;
                default: s.Append(c); break;
            }
        }
        return s.ToString();
    }

    private static void Open(StringBuilder s, BarChart chart, double height)
    {
        var id = Escape(chart.Id);
        var title = Escape(chart.Title);
        var description = Escape(chart.IsEmpty ? $"{EmptyText}. {chart.Description}" : chart.Description);
        s.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" viewBox=\"0 0 {N(Width)} {N(height)}\" role=\"img\" aria-label=\"{title}\" aria-describedby=\"{id}-desc\">");
        s.Append(CultureInfo.InvariantCulture, $"<title>{title}</title><desc id=\"{id}-desc\">{description}</desc>");
    }

    private static string ValueText(ChartRow row) =>
        row.Note ?? (row.Capacity is int capacity
            ? $"{row.Total.ToString(CultureInfo.InvariantCulture)}/{capacity.ToString(CultureInfo.InvariantCulture)}"
            : row.Total.ToString(CultureInfo.InvariantCulture));

    /// <summary>A label too long for its column is shortened on the drawing; the table and the row's data-label keep it whole.</summary>
    private static string Fit(string label, double width)
    {
        var room = Math.Max(2, (int)(width / CharWidth + 0.5));
        return label.Length <= room ? label : label[..(room - 1)] + "…";
    }

    private enum Swatch { Bar, Track, Marker }

    private sealed record LegendEntry(string Name, Swatch Swatch, string Colour);

    private static List<LegendEntry> LegendOf(BarChart chart)
    {
        var entries = chart.Series.Select(s => new LegendEntry(s.Name, Swatch.Bar, s.Colour)).ToList();
        if (chart.CapacityName is { } capacity && chart.Rows.Any(r => r.Capacity > 0))
        {
            entries.Add(new LegendEntry(FreeName, Swatch.Track, TrackColour));
            entries.Add(new LegendEntry(capacity, Swatch.Marker, Ink));
        }
        return entries;
    }

    /// <summary>Legend entries left to right, wrapping onto a new line where the drawing ends.</summary>
    private static (List<(LegendEntry Entry, double X, int Line)> Placed, int Lines) Place(List<LegendEntry> entries)
    {
        var placed = new List<(LegendEntry Entry, double X, int Line)>();
        var x = Pad;
        var line = 0;
        foreach (var entry in entries)
        {
            var width = 18 + entry.Name.Length * CharWidth + 14;
            if (x > Pad && x + width > Width - Pad)
            {
                x = Pad;
                line++;
            }
            placed.Add((entry, x, line));
            x += width;
        }
        return (placed, line + 1);
    }

    private static void Key(StringBuilder s, LegendEntry entry, double x, double y)
    {
        var colour = Escape(entry.Colour);
        // Every hole below is already a string (N formats numbers invariantly).
        s.Append(entry.Swatch switch
        {
            Swatch.Marker => $"<line x1=\"{N(x + 6)}\" x2=\"{N(x + 6)}\" y1=\"{N(y - 8)}\" y2=\"{N(y + 8)}\" stroke=\"{colour}\" stroke-width=\"2.5\"/>",
            // The track is pale: its outline gives the legend's swatch the contrast the fill alone lacks.
            Swatch.Track => $"<rect x=\"{N(x)}\" y=\"{N(y - 6)}\" width=\"12\" height=\"12\" fill=\"{colour}\" stroke=\"{Muted}\" stroke-width=\"1\"/>",
            _ => $"<rect x=\"{N(x)}\" y=\"{N(y - 6)}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>",
        });
        s.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{N(x + 18)}\" y=\"{N(y)}\" dy=\"0.35em\" font-size=\"{N(FontSize)}\" fill=\"{Ink}\">{Escape(entry.Name)}</text>");
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
