using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Serilog.Events;
using Serilog.Parsing;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// What makes two request summaries alike but for their request id and timing; <see cref="RepeatedFailures"/>
/// counts failures that are alike instead of writing each.
/// </summary>
internal readonly record struct SummaryKind(
    string Method, string Path, int StatusCode, string? WorkspaceId, string? CredentialKind, string? CredentialId);

/// <summary>
/// Failure summaries that repeat within a window (<see cref="RequestLoggingOptions.RepeatWindowSeconds"/>):
/// the first of each kind is written at once, with its request id; the others of that window are
/// only counted, and the count is written in one line when the window ends (and when the service
/// stops). A client that keeps failing the same way, such as a probe with a revoked key or someone
/// guessing keys, costs two lines per window rather than one per request, and cannot flood the log.
/// </summary>
internal sealed class RepeatedFailures(Serilog.ILogger logger, TimeProvider clock, IOptions<RequestLoggingOptions> options) : BackgroundService
{
    /// <summary>
    /// Kinds counted per window; failures of further kinds are written one by one, so a scan of
    /// random paths costs what it did without this, and the memory held here stays bounded.
    /// </summary>
    internal const int MaxKinds = 1000;

    private static readonly MessageTemplate Repeats = new MessageTemplateParser().Parse(
        "HTTP {Method} {Path} responded {StatusCode} {Repeats} more times in the last {WindowSeconds} s (workspace {WorkspaceId}, {CredentialKind} {CredentialId})");

    private readonly Serilog.ILogger _log = logger.ForContext<RequestLoggingMiddleware>();
    private readonly int _windowSeconds = options.Value.RepeatWindowSeconds;
    private readonly Lock _gate = new();
    private Dictionary<SummaryKind, int> _counts = [];

    /// <summary>True when this failure's summary is to be written; false when it has been counted instead.</summary>
    public bool ShouldWrite(in SummaryKind kind)
    {
        if (_windowSeconds == 0)
        {
            return true;
        }

        lock (_gate)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, kind);
            if (!Unsafe.IsNullRef(ref count))
            {
                count++;
                return false;
            }

            if (_counts.Count < MaxKinds)
            {
                _counts.Add(kind, 0);
            }

            return true;
        }
    }

    /// <summary>Ends the window: writes a line for each kind that repeated in it.</summary>
    public void Flush()
    {
        Dictionary<SummaryKind, int> ended;
        lock (_gate)
        {
            if (_counts.Count == 0)
            {
                return;
            }

            ended = _counts;
            _counts = [];
        }

        foreach (var (kind, count) in ended)
        {
            if (count > 0)
            {
                _log.Write(new LogEvent(clock.GetUtcNow(), LogEventLevel.Information, null, Repeats,
                [
                    Property("Method", kind.Method),
                    Property("Path", kind.Path),
                    Property("StatusCode", kind.StatusCode),
                    Property("Repeats", count),
                    Property("WindowSeconds", _windowSeconds),
                    Property("WorkspaceId", kind.WorkspaceId),
                    Property("CredentialKind", kind.CredentialKind),
                    Property("CredentialId", kind.CredentialId),
                ]));
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_windowSeconds == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_windowSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the final flush follows.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Flush();
    }

    internal static LogEventProperty Property(string name, object? value) => new(name, new ScalarValue(value));
}
