using System.Buffers;
using System.Text;
using System.Text.Json;
using ProviderStatus.Api.Hosting;
using Serilog.Events;
using Serilog.Parsing;

namespace ProviderStatus.Tests.Hosting;

public sealed class JsonLogFormatterTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("Value {Value}");

    [Fact]
    public void An_Event_That_Cannot_Be_Formatted_Leaves_Nothing_Behind_And_The_Next_Line_Is_Whole()
    {
        var output = new ArrayBufferWriter<byte>();
        using var formatter = new JsonLogFormatter();

        formatter.Write(Event(new ScalarValue(42)), output);
        // Long enough that the JSON writer has to ask for more room before the failure.
        var longTemplate = new MessageTemplateParser().Parse(new string('x', 20_000) + " {Value}");
        Assert.Throws<InvalidOperationException>(() => formatter.Write(Event(new ScalarValue(new ThrowsOnToString()), longTemplate), output));
        formatter.Write(Event(new ScalarValue(43)), output);

        var lines = Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([42, 43], lines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal("Value " + document.RootElement.GetProperty("Properties").GetProperty("Value").GetInt32(),
                document.RootElement.GetProperty("RenderedMessage").GetString());
            return document.RootElement.GetProperty("Properties").GetProperty("Value").GetInt32();
        }));
    }

    [Fact]
    public void Every_Kind_Of_Value_Is_Written_As_The_Json_It_Stands_For()
    {
        var output = new ArrayBufferWriter<byte>();
        using var formatter = new JsonLogFormatter();
        var id = Guid.Parse("01a1ff2c-5548-7efb-ae92-d72d73b3417f");
        var properties = new (string Name, object? Value)[]
        {
            ("Null", null), ("Text", "line one\nline \"two\" <b>"), ("Flag", true), ("Int", -7), ("Long", 1L << 40),
            ("Double", 1.5), ("NotANumber", double.NaN), ("Float", 0.25f), ("Decimal", 12.50m), ("UShort", (ushort)65535),
            ("ULong", ulong.MaxValue), ("Moment", new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero)),
            ("Id", id), ("Other", new Uri("https://example.com/a")),
        };
        var template = new MessageTemplateParser().Parse("Values");
        formatter.Write(new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Warning, null, template,
        [
            .. properties.Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value))),
            new LogEventProperty("Sequence", new SequenceValue([new ScalarValue(1), new SequenceValue([new ScalarValue("nested")])])),
            new LogEventProperty("Structure", new StructureValue([new LogEventProperty("Port", new ScalarValue(5432))], "Endpoint")),
            new LogEventProperty("Dictionary", new DictionaryValue([KeyValuePair.Create(new ScalarValue(3), (LogEventPropertyValue)new ScalarValue("three"))])),
        ]), output);

        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // newlines inside values are escaped
        using var document = JsonDocument.Parse(text);
        Assert.Equal("Warning", document.RootElement.GetProperty("Level").GetString());
        var values = document.RootElement.GetProperty("Properties");
        Assert.Equal(JsonValueKind.Null, values.GetProperty("Null").ValueKind);
        Assert.Equal("line one\nline \"two\" <b>", values.GetProperty("Text").GetString());
        Assert.True(values.GetProperty("Flag").GetBoolean());
        Assert.Equal(-7, values.GetProperty("Int").GetInt32());
        Assert.Equal(1L << 40, values.GetProperty("Long").GetInt64());
        Assert.Equal(1.5, values.GetProperty("Double").GetDouble());
        Assert.Equal("NaN", values.GetProperty("NotANumber").GetString());
        Assert.Equal(0.25, values.GetProperty("Float").GetDouble());
        Assert.Equal(12.50m, values.GetProperty("Decimal").GetDecimal());
        Assert.Equal(65535, values.GetProperty("UShort").GetInt32());
        Assert.Equal(ulong.MaxValue, values.GetProperty("ULong").GetUInt64());
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero), values.GetProperty("Moment").GetDateTimeOffset());
        Assert.Equal(id.ToString(), values.GetProperty("Id").GetString());
        Assert.Equal("https://example.com/a", values.GetProperty("Other").GetString());
        Assert.Equal("""[1,["nested"]]""", values.GetProperty("Sequence").GetRawText());
        Assert.Equal("""{"Port":5432,"_typeTag":"Endpoint"}""", values.GetProperty("Structure").GetRawText());
        Assert.Equal("""{"3":"three"}""", values.GetProperty("Dictionary").GetRawText());
    }

    private static LogEvent Event(LogEventPropertyValue value, MessageTemplate? template = null) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, template ?? Template, [new LogEventProperty("Value", value)]);

    private sealed class ThrowsOnToString
    {
        public override string ToString() => throw new InvalidOperationException("not today");
    }
}
