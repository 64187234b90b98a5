using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Masks anything shaped like an API key or a JWT in every logged value, whichever component logged
/// it: a caller may put a key where it does not belong (a path, a parameter), and the framework's own
/// Debug logs repeat such values verbatim.
/// </summary>
internal sealed partial class SecretMaskingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? masked = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Mask(value) is { } replacement)
            {
                (masked ??= []).Add(new LogEventProperty(name, replacement));
            }
        }

        masked?.ForEach(logEvent.AddOrUpdateProperty);
    }

    /// <summary>The value with secrets masked, or null when it holds none.</summary>
    private static LogEventPropertyValue? Mask(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } when MightHoldSecret(text) && Secret().IsMatch(text) =>
            new ScalarValue(Secret().Replace(text, m => m.Value.StartsWith("wbk_", StringComparison.Ordinal) ? "wbk_***" : "***.***.***")),
        SequenceValue sequence when sequence.Elements.Any(e => Mask(e) is not null) =>
            new SequenceValue(sequence.Elements.Select(e => Mask(e) ?? e)),
        StructureValue structure when structure.Properties.Any(p => Mask(p.Value) is not null) =>
            new StructureValue(structure.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value) ?? p.Value)), structure.TypeTag),
        DictionaryValue dictionary when dictionary.Elements.Any(e => Mask(e.Value) is not null) =>
            new DictionaryValue(dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key, Mask(e.Value) ?? e.Value))),
        _ => null,
    };

    private static bool MightHoldSecret(string text) =>
        text.Contains("wbk_", StringComparison.Ordinal) || text.Contains("eyJ", StringComparison.Ordinal);

    /// <summary>An API key (or its beginning), or the three base64url parts of a JWT.</summary>
    [GeneratedRegex(@"wbk_[A-Za-z0-9]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")]
    private static partial Regex Secret();
}
