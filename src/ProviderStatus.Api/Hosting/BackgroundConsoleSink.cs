using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Writes log events to standard output (or standard error) from a background thread, a batch at a
/// time: a request only queues its events, and a batch costs one write. Events become JSON lines
/// (<see cref="JsonLogFormatter"/>), or text through <c>textFormatter</c> in Development. If the
/// console cannot keep up and the queue fills, events are dropped and counted rather than blocking
/// requests, and the next batch says how many were lost; so is an event that cannot be formatted,
/// rather than stopping the writer. Disposing drains the queue, and still reports what was lost since
/// the last batch.
/// </summary>
internal sealed class BackgroundConsoleSink : ILogEventSink, IDisposable
{
    private const int DefaultCapacity = 100_000;

    private static readonly MessageTemplate DroppedTemplate =
        new MessageTemplateParser().Parse("{Dropped} log events were dropped: the console could not keep up, or an event could not be formatted.");

    private readonly Channel<LogEvent> _queue;
    private readonly ITextFormatter? _textFormatter;
    private readonly Stream _output;
    private readonly Thread _writer;
    private long _dropped;

    /// <param name="textFormatter">Null for JSON lines.</param>
    /// <param name="standardError"></param>
    public BackgroundConsoleSink(ITextFormatter? textFormatter, bool standardError)
        : this(textFormatter, standardError ? Console.OpenStandardError() : Console.OpenStandardOutput(), DefaultCapacity)
    {
    }

    /// <summary>Writes to <paramref name="output"/>, holding at most <paramref name="capacity"/> events.</summary>
    /// <param name="textFormatter">Null for JSON lines.</param>
    /// <param name="output"></param>
    /// <param name="capacity"></param>
    internal BackgroundConsoleSink(ITextFormatter? textFormatter, Stream output, int capacity)
    {
        // Not DropWrite: in that mode TryWrite reports success for the events it throws away, so they
        // could not be counted. In this mode it never waits either; it returns false when full.
        _queue = Channel.CreateBounded<LogEvent>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _textFormatter = textFormatter;
        _output = output;
        _writer = new Thread(WriteBatches) { IsBackground = true, Name = "Console log writer" };
        _writer.Start();
    }

    public void Emit(LogEvent logEvent)
    {
        if (!_queue.Writer.TryWrite(logEvent))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join(TimeSpan.FromSeconds(5));
    }

    private void WriteBatches()
    {
        var reader = _queue.Reader;
        var batch = new ArrayBufferWriter<byte>(64 * 1024);
        using var json = new JsonLogFormatter();
        using var scratch = new StringWriter();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            ReportDropped(json, batch, scratch);
            while (reader.TryRead(out var logEvent))
            {
                try
                {
                    Format(logEvent, json, batch, scratch);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A value whose ToString throws, say: lose the event, not the log.
                    Interlocked.Increment(ref _dropped);
                }
            }

            Write(batch);
        }

        // Shutting down: an event lost in the last batch would otherwise go unreported.
        ReportDropped(json, batch, scratch);
        Write(batch);
    }

    private void ReportDropped(JsonLogFormatter json, ArrayBufferWriter<byte> batch, StringWriter scratch)
    {
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            Format(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Warning, null, DroppedTemplate,
                [new LogEventProperty("Dropped", new ScalarValue(dropped))]), json, batch, scratch);
        }
    }

    private void Write(ArrayBufferWriter<byte> batch)
    {
        if (batch.WrittenCount == 0)
        {
            return;
        }

        _output.Write(batch.WrittenSpan);
        _output.Flush();
        batch.ResetWrittenCount();
    }

    private void Format(LogEvent logEvent, JsonLogFormatter json, ArrayBufferWriter<byte> batch, StringWriter scratch)
    {
        if (_textFormatter is null)
        {
            json.Write(logEvent, batch);
            return;
        }

        // The text formatter writes the template and any exception as they are (see JsonLogFormatter).
        scratch.GetStringBuilder().Clear();
        _textFormatter.Format(logEvent, scratch);
        Encoding.UTF8.GetBytes(SecretMaskingEnricher.MaskText(scratch.GetStringBuilder().ToString()), batch);
    }
}
