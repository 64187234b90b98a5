using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using ProviderStatus.Api.Hosting;
using Serilog.Core;
using Serilog.Events;

namespace ProviderStatus.Tests.Infrastructure;

/// <summary>
/// A Serilog sink the app writes to alongside its console: every event, rendered by the JSON
/// formatter the service's console writer uses in production, one JSON object per line.
/// </summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public void Emit(LogEvent logEvent)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var formatter = new JsonLogFormatter())
        {
            formatter.Write(logEvent, buffer);
        }

        _lines.Enqueue(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
