using Serilog.Core;
using Serilog.Events;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Puts the id of the request being handled on every log line written while it is handled, by any
/// component. Cheaper than Serilog's LogContext for this one property: one ambient value set per
/// request, no stack of enrichers to push and pop, and nothing built until a line is written.
/// </summary>
internal sealed class RequestIdEnricher : ILogEventEnricher
{
    public const string PropertyName = "RequestId";

    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>
    /// Makes <paramref name="requestId"/> the id of the lines written from here on by the calling
    /// async method and by everything it awaits or starts. Called from an async method, it needs no
    /// undoing: the runtime gives the method's caller back its own value when the method returns.
    /// </summary>
    public static void Begin(string requestId) => Current.Value = requestId;

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (Current.Value is { } requestId)
        {
            logEvent.AddPropertyIfAbsent(new LogEventProperty(PropertyName, new ScalarValue(requestId)));
        }
    }
}
