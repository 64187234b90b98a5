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

    private static LogEvent Event(LogEventPropertyValue value, MessageTemplate? template = null) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, template ?? Template, [new LogEventProperty("Value", value)]);

    private sealed class ThrowsOnToString
    {
        public override string ToString() => throw new InvalidOperationException("not today");
    }
}
