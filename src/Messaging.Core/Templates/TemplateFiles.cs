using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Messaging.Core.Templates;

/// <summary>
/// Reads the shipped defaults: `templates/{key}/template.yml` (description, variables, options), `sample.json`, and
/// one file per variant named `{locale}.{channel}.sbn` (`{locale}.zns.json` for ZNS). The key is the folder path.
/// </summary>
public static class TemplateFiles
{
    private sealed class Meta
    {
        public string Description { get; set; } = "";
        public bool SmsDeAccent { get; set; }
        public List<VariableMeta> Variables { get; set; } = [];
        public Dictionary<string, int> ZnsLimits { get; set; } = [];
    }

    private sealed class VariableMeta
    {
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
    }

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    public static IReadOnlyList<TemplateDefinition> LoadDirectory(string root)
    {
        if (!Directory.Exists(root)) throw new InvalidDataException($"{root}: the templates folder does not exist.");
        var result = new List<TemplateDefinition>();
        foreach (var meta in Directory.EnumerateFiles(root, "template.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var dir = Path.GetDirectoryName(meta)!;
            var key = Path.GetRelativePath(root, dir).Replace('\\', '/');
            Meta m;
            try
            {
                m = Yaml.Deserialize<Meta?>(File.ReadAllText(meta)) ?? new Meta();
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new InvalidDataException($"{key}/template.yml: line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
            }
            var samplePath = Path.Combine(dir, "sample.json");
            var sample = File.Exists(samplePath) ? File.ReadAllText(samplePath) : "{}";
            var variants = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(file);
                if (name.EndsWith(".sbn", StringComparison.Ordinal)) variants[name[..^4]] = File.ReadAllText(file);
                else if (name.EndsWith(".zns.json", StringComparison.Ordinal)) variants[name[..^5]] = File.ReadAllText(file);
            }
            result.Add(new TemplateDefinition(key, m.Description,
                m.Variables.Select(v => new TemplateVariable(v.Name, v.Description)).ToList(), sample, variants,
                m.SmsDeAccent, m.ZnsLimits));
        }
        return result;
    }

    /// <summary>A fingerprint of the variants, to notice when a shipped default changed.</summary>
    public static string Hash(IReadOnlyDictionary<string, string> variants) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
            variants.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary()))))[..16];
}
