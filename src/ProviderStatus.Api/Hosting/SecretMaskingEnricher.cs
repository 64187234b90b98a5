using System.Buffers;
using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Masks anything shaped like an API key, a JWT or a connection string's password in every logged
/// value, whichever component logged it: a caller may put a key where it does not belong (a path, a
/// parameter), and the framework's own Debug logs repeat such values verbatim. What an enricher cannot
/// change, an exception's text and a message template's own text, the log writers mask with
/// <see cref="MaskText"/>.
/// </summary>
internal sealed partial class SecretMaskingEnricher : ILogEventEnricher
{
    /// <summary>How anything <see cref="Secret"/> matches begins, in any case.</summary>
    private static readonly SearchValues<string> SecretStarts =
        SearchValues.Create(["wbk_", "eyJ", "password", "pwd"], StringComparison.OrdinalIgnoreCase);

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

    /// <summary>The text with secrets masked: the same string when it holds none.</summary>
    public static string MaskText(string text) => MightHoldSecret(text) ? Secret().Replace(text, MaskedSecret) : text;

    /// <summary>The value with secrets masked, or null when it holds none.</summary>
    private static LogEventPropertyValue? Mask(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } when MaskText(text) is var masked && !ReferenceEquals(masked, text) => new ScalarValue(masked),
        SequenceValue sequence when sequence.Elements.Any(e => Mask(e) is not null) =>
            new SequenceValue(sequence.Elements.Select(e => Mask(e) ?? e)),
        StructureValue structure when structure.Properties.Any(p => Mask(p.Value) is not null) =>
            new StructureValue(structure.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value) ?? p.Value)), structure.TypeTag),
        DictionaryValue dictionary when dictionary.Elements.Any(e => Mask(e.Key) is not null || Mask(e.Value) is not null) =>
            new DictionaryValue(dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                (ScalarValue?)Mask(e.Key) ?? e.Key, Mask(e.Value) ?? e.Value))),
        _ => null,
    };

    private static string MaskedSecret(Match secret) =>
        secret.Value.StartsWith("wbk_", StringComparison.Ordinal) ? "wbk_***"
        : secret.Value.StartsWith("eyJ", StringComparison.Ordinal) ? "***.***.***"
        : secret.Value[..(secret.Value.IndexOf('=', StringComparison.Ordinal) + 1)] + "***";

    /// <summary>
    /// Whether the text holds the start of anything <see cref="Secret"/> matches: one vectorized pass
    /// over the text, as every string of every event goes through here. Ignoring case for all four
    /// only lets a few more texts through to the regex, which decides.
    /// </summary>
    private static bool MightHoldSecret(string text) => text.AsSpan().ContainsAny(SecretStarts);

    /// <summary>
    /// An API key (or its beginning), the three base64url parts of a JWT, or a connection string's
    /// password up to the next <c>;</c> or the end of the line (a password may hold spaces).
    /// </summary>
    [GeneratedRegex(@"wbk_[A-Za-z0-9]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|\b(?i:password|pwd)\s*=[^;\r\n]*")]
    private static partial Regex Secret();
}
