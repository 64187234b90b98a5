using System.Buffers;
using System.Text;
using System.Text.Json;
using ProviderStatus.Api.Hosting;
using Serilog.Events;
using Serilog.Parsing;

namespace ProviderStatus.Tests.Hosting;

/// <summary>
/// Secrets wherever a log event can carry them, masked by the enricher and the JSON formatter
/// together, as the service's logger applies them. (LoggingTests prove the same end to end, for what
/// the service and the framework actually log.)
/// </summary>
public sealed class SecretMaskingTests
{
    private const string Key = "wbk_0123456789abcdefghijklmnopqrstuv";
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";

    [Fact]
    public void Keys_Tokens_And_Passwords_Are_Masked_In_Nested_Values_Template_Text_And_Exceptions()
    {
        var template = new MessageTemplateParser().Parse($"Refused {Key} for {{Caller}}");
        var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Error,
            new InvalidOperationException($"token {Jwt} rejected; Host=db;Password=hunter 2;Timeout=3"), template,
            [
                new LogEventProperty("Caller", new ScalarValue($"Bearer {Key}")),
                new LogEventProperty("Plain", new ScalarValue("nothing to hide")),
                new LogEventProperty("Sequence", new SequenceValue([new ScalarValue("ok"), new ScalarValue(Jwt)])),
                new LogEventProperty("Structure", new StructureValue(
                    [new LogEventProperty("Headers", new SequenceValue([new ScalarValue($"Authorization: Bearer {Key}")]))], "Request")),
                new LogEventProperty("Dictionary", new DictionaryValue(
                [
                    KeyValuePair.Create(new ScalarValue(Key), (LogEventPropertyValue)new ScalarValue("as a key")),
                    KeyValuePair.Create(new ScalarValue("ConnectionString"), (LogEventPropertyValue)new ScalarValue("Host=db;pwd=s3cret")),
                ])),
            ]);

        new SecretMaskingEnricher().Enrich(logEvent, null!);
        var output = new ArrayBufferWriter<byte>();
        using (var formatter = new JsonLogFormatter())
        {
            formatter.Write(logEvent, output);
        }

        var line = Encoding.UTF8.GetString(output.WrittenSpan);
        foreach (var secret in new[] { Key, Key[4..], Jwt, Jwt.Split('.')[2], "hunter", "s3cret" })
        {
            Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        }

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var properties = root.GetProperty("Properties");
        Assert.Equal("Refused wbk_*** for {Caller}", root.GetProperty("MessageTemplate").GetString());
        Assert.Equal("Refused wbk_*** for \"Bearer wbk_***\"", root.GetProperty("RenderedMessage").GetString());
        Assert.StartsWith("System.InvalidOperationException: token ***.***.*** rejected; Host=db;Password=***;Timeout=3",
            root.GetProperty("Exception").GetString(), StringComparison.Ordinal);
        Assert.Equal("nothing to hide", properties.GetProperty("Plain").GetString());
        Assert.Equal("""["ok","***.***.***"]""", properties.GetProperty("Sequence").GetRawText());
        Assert.Equal("""{"Headers":["Authorization: Bearer wbk_***"],"_typeTag":"Request"}""", properties.GetProperty("Structure").GetRawText());
        Assert.Equal("""{"wbk_***":"as a key","ConnectionString":"Host=db;pwd=***"}""", properties.GetProperty("Dictionary").GetRawText());
    }

    [Theory]
    [InlineData("Host=db;PASSWORD=Hunter2;Port=5432", "Host=db;PASSWORD=***;Port=5432")]
    [InlineData("User ID=app;Pwd = two words", "User ID=app;Pwd =***")]
    [InlineData("key wbk_abc and WBK_abc", "key wbk_*** and WBK_abc")]
    [InlineData("eyJa.eyJb.c", "***.***.***")]
    public void A_Secret_Is_Masked_Whatever_The_Case_Of_Its_Name(string text, string masked) =>
        Assert.Equal(masked, SecretMaskingEnricher.MaskText(text));

    [Theory]
    [InlineData("no secrets here")]
    [InlineData("wbk_")]
    [InlineData("passwords are checked elsewhere")]
    public void Text_Without_A_Secret_Is_Returned_As_It_Is(string text) =>
        Assert.Same(text, SecretMaskingEnricher.MaskText(text));
}
