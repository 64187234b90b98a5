using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace ProviderStatus.Tests.Infrastructure;

/// <summary>
/// A Serilog sink the app writes to alongside its console: every event, rendered by the same JSON
/// formatter the service uses in production, one JSON object per line.
/// </summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly JsonFormatter _formatter = new(renderMessage: true);
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        _formatter.Format(logEvent, writer);
        _lines.Enqueue(writer.ToString());
    }
}
