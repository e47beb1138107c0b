using System.Collections;

namespace Messaging.Core.Telemetry;

/// <summary>
/// The state of a logging scope as named values: the JSON console formatter writes each as a property of the scope (an
/// anonymous object or a string would be one opaque text), and the simple formatter writes "Name:value" pairs.
/// </summary>
public sealed class LogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;

    public LogScope(string name, object? value) => _values = [new(name, value)];

    public LogScope(string name, object? value, string name2, object? value2) => _values = [new(name, value), new(name2, value2)];

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(' ', _values.Select(v => $"{v.Key}:{v.Value}"));
}
