using System.Text.Json;
using Scriban;
using Scriban.Syntax;

namespace Messaging.Core.Templates;

/// <summary>
/// Reads a parsed template and reports every variable path ("booking.start") the sample model does not have, in
/// every branch, including ones the sample does not execute. Names the template assigns itself (loop variables,
/// assignments) and built-in objects are not model variables and are skipped.
/// </summary>
internal sealed class VariableCheck : ScriptVisitor
{
    private static readonly HashSet<string> Builtins =
    [
        "string", "array", "math", "date", "timespan", "object", "regex", "html", "empty", "this", "for", "include",
        .. TemplateRenderer.HelperNames,
    ];

    private readonly HashSet<string> _local = [];
    private readonly List<ScriptVariableGlobal> _globals = [];

    public static IReadOnlyList<TemplateIssue> Run(string variant, Template template, JsonElement sample)
    {
        var check = new VariableCheck();
        template.Page?.Accept(check);
        var issues = new List<TemplateIssue>();
        var seen = new HashSet<string>();
        foreach (var node in check._globals)
        {
            if (check._local.Contains(node.Name) || Builtins.Contains(node.Name)) continue;
            var path = PathOf(node);
            if (!seen.Add(string.Join('.', path))) continue;
            if (!Exists(sample, path, out var missing))
            {
                issues.Add(new TemplateIssue(variant, $"unknown variable '{missing}': the sample model has no such value",
                    node.Span.Start.Line + 1, node.Span.Start.Column + 1));
            }
        }
        return issues;
    }

    public override void Visit(ScriptVariableGlobal node)
    {
        // In "booking.start" the member "start" is also a variable node; only the root is looked up.
        if (!(node.Parent is ScriptMemberExpression m && ReferenceEquals(m.Member, node))) _globals.Add(node);
        base.Visit(node);
    }

    public override void Visit(ScriptForStatement node)
    {
        if (node.Variable is ScriptVariable v) _local.Add(v.Name);
        base.Visit(node);
    }

    public override void Visit(ScriptAssignExpression node)
    {
        if (node.Target is ScriptVariable v) _local.Add(v.Name);
        base.Visit(node);
    }

    /// <summary>"booking" followed by the member names chained on it: ["booking", "start"].</summary>
    private static List<string> PathOf(ScriptVariableGlobal node)
    {
        var path = new List<string> { node.Name };
        ScriptNode current = node;
        while (current.Parent is ScriptMemberExpression m && ReferenceEquals(m.Target, current) && m.Member is ScriptVariable member)
        {
            path.Add(member.Name);
            current = m;
        }
        return path;
    }

    private static bool Exists(JsonElement sample, List<string> path, out string missing)
    {
        var current = sample;
        for (var i = 0; i < path.Count; i++)
        {
            if (current.ValueKind == JsonValueKind.Array)
            {
                // Scriban arrays have "size", "first", "last"; an element path cannot be checked statically.
                missing = "";
                return true;
            }
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(path[i], out var next))
            {
                missing = string.Join('.', path.Take(i + 1));
                return false;
            }
            current = next;
        }
        missing = "";
        return true;
    }
}
