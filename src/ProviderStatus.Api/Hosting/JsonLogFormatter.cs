using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// One log event as one line of JSON, in the shape of Serilog's JsonFormatter (Timestamp, Level,
/// MessageTemplate, RenderedMessage, Exception, Properties), written as UTF-8 in one pass: the
/// service writes a line for every request, so this is on the hot path of the log writer. One
/// instance belongs to one writer thread; it reuses its buffers from line to line. A line is built
/// apart and then copied to the output, so it arrives whole or, if formatting throws, not at all.
/// </summary>
internal sealed class JsonLogFormatter : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // The fixed parts of every line, encoded once.
    private static readonly JsonEncodedText TimestampName = Encode("Timestamp");
    private static readonly JsonEncodedText LevelName = Encode("Level");
    private static readonly JsonEncodedText MessageTemplateName = Encode("MessageTemplate");
    private static readonly JsonEncodedText RenderedMessageName = Encode("RenderedMessage");
    private static readonly JsonEncodedText ExceptionName = Encode("Exception");
    private static readonly JsonEncodedText PropertiesName = Encode("Properties");
    private static readonly JsonEncodedText[] LevelNames = [.. Enum.GetValues<LogEventLevel>().Select(level => Encode(level.ToString()))];

    /// <summary>
    /// Each message template's text, masked and encoded once: a service logs a few dozen templates,
    /// and the request summary's on every line.
    /// </summary>
    private static readonly ConditionalWeakTable<MessageTemplate, TemplateText> Templates = [];

    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly StringWriter _scratch = new(CultureInfo.InvariantCulture);

    public JsonLogFormatter() => _json = new Utf8JsonWriter(_line, Options);

    public void Write(LogEvent logEvent, IBufferWriter<byte> output)
    {
        _line.ResetWrittenCount();
        var json = _json;
        json.Reset();
        json.WriteStartObject();
        json.WriteString(TimestampName, logEvent.Timestamp);
        json.WriteString(LevelName, LevelNames[(int)logEvent.Level]);
        var template = Templates.GetValue(logEvent.MessageTemplate, static template => new TemplateText(template));
        json.WriteString(MessageTemplateName, template.Encoded);
        WriteRenderedMessage(logEvent, template.HoldsSecret);
        if (logEvent.Exception is { } exception)
        {
            // An exception's message may quote what it failed on, a key included.
            json.WriteString(ExceptionName, SecretMaskingEnricher.MaskText(exception.ToString()));
        }

        json.WriteStartObject(PropertiesName);
        foreach (var (name, value) in logEvent.Properties)
        {
            json.WritePropertyName(name);
            WriteValue(json, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        _line.Write("\n"u8);
        output.Write(_line.WrittenSpan);
    }

    public void Dispose()
    {
        _json.Dispose();
        _scratch.Dispose();
    }

    /// <summary>
    /// The message rendered into the scratch space and copied out through a pooled buffer, not a
    /// string; its values are masked already, but a template that holds a secret itself needs masking
    /// again once rendered.
    /// </summary>
    private void WriteRenderedMessage(LogEvent logEvent, bool templateHoldsSecret)
    {
        var text = _scratch.GetStringBuilder().Clear();
        logEvent.MessageTemplate.Render(logEvent.Properties, _scratch, CultureInfo.InvariantCulture);
        if (templateHoldsSecret)
        {
            _json.WriteString(RenderedMessageName, SecretMaskingEnricher.MaskText(text.ToString()));
            return;
        }

        var buffer = ArrayPool<char>.Shared.Rent(text.Length);
        text.CopyTo(0, buffer, text.Length);
        _json.WriteString(RenderedMessageName, buffer.AsSpan(0, text.Length));
        ArrayPool<char>.Shared.Return(buffer);
    }

    private static void WriteValue(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(json, scalar.Value);
                break;
            case SequenceValue sequence:
                json.WriteStartArray();
                foreach (var element in sequence.Elements)
                {
                    WriteValue(json, element);
                }

                json.WriteEndArray();
                break;
            case StructureValue structure:
                json.WriteStartObject();
                foreach (var property in structure.Properties)
                {
                    json.WritePropertyName(property.Name);
                    WriteValue(json, property.Value);
                }

                if (structure.TypeTag is { } typeTag)
                {
                    json.WriteString("_typeTag", typeTag);
                }

                json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                json.WriteStartObject();
                foreach (var (key, element) in dictionary.Elements)
                {
                    json.WritePropertyName(Convert.ToString(key.Value, CultureInfo.InvariantCulture) ?? "null");
                    WriteValue(json, element);
                }

                json.WriteEndObject();
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int number:
                json.WriteNumberValue(number);
                break;
            case long number:
                json.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                json.WriteNumberValue(number);
                break;
            case float number when float.IsFinite(number):
                json.WriteNumberValue(number);
                break;
            case decimal number:
                json.WriteNumberValue(number);
                break;
            case short or ushort or uint or ulong or byte or sbyte:
                json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!, skipInputValidation: true);
                break;
            case DateTimeOffset moment:
                json.WriteStringValue(moment);
                break;
            case DateTime moment:
                json.WriteStringValue(moment);
                break;
            case IFormattable formattable:
                json.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    private static JsonEncodedText Encode(string text) => JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <summary>
    /// A template's text as written: masked, since a caller may have built the template around a value
    /// (an interpolated string) instead of passing it as a property.
    /// </summary>
    private sealed class TemplateText
    {
        public TemplateText(MessageTemplate template)
        {
            var masked = SecretMaskingEnricher.MaskText(template.Text);
            HoldsSecret = !ReferenceEquals(masked, template.Text);
            Encoded = Encode(masked);
        }

        public bool HoldsSecret { get; }

        public JsonEncodedText Encoded { get; }
    }
}
