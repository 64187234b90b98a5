using System.Globalization;
using System.Text;
using System.Text.Json;
using ProviderStatus.Api.Hosting;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace ProviderStatus.Tests.Hosting;

/// <summary>
/// The console sink with an output that the test holds shut: while the writer is stuck in its first
/// write, what the test emits next is queued or, past the queue's capacity, dropped, without sleeping.
/// </summary>
public sealed class BackgroundConsoleSinkTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("Value {Value}");

    [Fact]
    public async Task Events_Past_A_Full_Queue_Are_Dropped_Counted_And_Reported_In_The_Next_Batch()
    {
        using var output = new GatedStream();
        var sink = new BackgroundConsoleSink(null, output, capacity: 2);

        sink.Emit(Event(1));
        await output.FirstWriteStarted.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var value in new[] { 2, 3, 4, 5, 6 })
        {
            sink.Emit(Event(value)); // 2 and 3 fill the queue; 4, 5 and 6 are dropped
        }

        output.Open();
        sink.Dispose();

        Assert.Equal(["Value 1", "Dropped 3", "Value 2", "Value 3"], output.Lines().Select(Describe));
        var warning = output.Lines()[1];
        Assert.Equal("Warning", warning.GetProperty("Level").GetString());
        Assert.StartsWith("3 log events were dropped", warning.GetProperty("RenderedMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Event_That_Cannot_Be_Formatted_Is_Counted_And_Reported_Even_When_It_Is_The_Last_Batch()
    {
        using var output = new GatedStream();
        var sink = new BackgroundConsoleSink(null, output, capacity: 10);

        sink.Emit(Event(1));
        await output.FirstWriteStarted.WaitAsync(TimeSpan.FromSeconds(30));
        sink.Emit(new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, Template,
            [new LogEventProperty("Value", new ScalarValue(new ThrowsOnToString()))]));
        sink.Emit(Event(2)); // the same batch as the bad event: no batch follows it before shutdown

        output.Open();
        sink.Dispose();

        Assert.Equal(["Value 1", "Value 2", "Dropped 1"], output.Lines().Select(Describe));
    }

    [Fact]
    public void Disposing_Writes_Everything_Still_Queued()
    {
        using var output = new GatedStream();
        output.Open();
        var sink = new BackgroundConsoleSink(null, output, capacity: 1_000);

        for (var value = 0; value < 500; value++)
        {
            sink.Emit(Event(value));
        }

        sink.Dispose();

        Assert.Equal(Enumerable.Range(0, 500).Select(value => $"Value {value}"), output.Lines().Select(Describe));
    }

    [Fact]
    public void With_A_Text_Formatter_It_Writes_That_Formatter_s_Lines()
    {
        using var output = new GatedStream();
        output.Open();
        var sink = new BackgroundConsoleSink(new MessageTemplateTextFormatter("{Level:u3} {Message:lj}{NewLine}", CultureInfo.InvariantCulture),
            output, capacity: 10);

        sink.Emit(Event(1));
        sink.Emit(Event(2));
        sink.Dispose();

        Assert.Equal($"INF Value 1{Environment.NewLine}INF Value 2{Environment.NewLine}", output.Text());
    }

    private static LogEvent Event(int value) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, Template, [new LogEventProperty("Value", new ScalarValue(value))]);

    /// <summary>"Value n" for an event of the test, "Dropped n" for the sink's report of lost events.</summary>
    private static string Describe(JsonElement line)
    {
        var properties = line.GetProperty("Properties");
        return properties.TryGetProperty("Dropped", out var dropped)
            ? $"Dropped {dropped.GetInt64()}"
            : $"Value {properties.GetProperty("Value").GetInt32()}";
    }

    /// <summary>An output whose writes wait until the test opens it, and which says when the first began.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly ManualResetEventSlim _open = new(false);
        private readonly MemoryStream _written = new();
        private readonly TaskCompletionSource _firstWriteStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWriteStarted => _firstWriteStarted.Task;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Open() => _open.Set();

        /// <summary>What was written; read after the sink is disposed.</summary>
        public string Text() => Encoding.UTF8.GetString(_written.ToArray());

        /// <summary>What was written, one JSON object per line.</summary>
        public List<JsonElement> Lines() => Text()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _firstWriteStarted.TrySetResult();
            _open.Wait();
            _written.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _open.Dispose();
                _written.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class ThrowsOnToString
    {
        public override string ToString() => throw new InvalidOperationException("not today");
    }
}
