using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Json;

namespace ProviderStatus.Api.Hosting;

internal static class LoggingExtensions
{
    private const string DevelopmentTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {RequestId}{NewLine}{Exception}";

    /// <summary>
    /// Serilog as the only logging provider: levels from the <c>Serilog</c> section of configuration,
    /// readable console lines in Development and one JSON object per line everywhere else. For CLI
    /// commands every line goes to standard error, keeping standard output for results.
    /// </summary>
    /// <remarks>
    /// The logger is built from the service provider when first needed, so it sees the final
    /// configuration, and any <see cref="ILogEventSink"/> registered as a service also receives every
    /// event (tests use this to read what is logged).
    /// </remarks>
    public static void AddSerilogLogging(this WebApplicationBuilder builder, bool isCommand)
    {
        builder.Logging.ClearProviders();

        // Serilog's levels decide what is written; let everything reach it. The framework's own
        // "Request starting/finished" lines are replaced by RequestLoggingMiddleware's summary: they
        // are written before the request has its id, and would carry the server's internal one.
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSingleton<ILoggerProvider>(services =>
            new SerilogLoggerProvider(CreateLogger(services, isCommand), dispose: true));
    }

    private static Serilog.Core.Logger CreateLogger(IServiceProvider services, bool isCommand)
    {
        var configuration = new LoggerConfiguration()
            .ReadFrom.Configuration(services.GetRequiredService<IConfiguration>())
            .Enrich.FromLogContext()
            .Enrich.With<SecretMaskingEnricher>();

        LogEventLevel? toStandardError = isCommand ? LogEventLevel.Verbose : null;
        if (services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            configuration.WriteTo.Console(outputTemplate: DevelopmentTemplate, standardErrorFromLevel: toStandardError);
        }
        else
        {
            configuration.WriteTo.Console(new JsonFormatter(renderMessage: true), standardErrorFromLevel: toStandardError);
        }

        foreach (var sink in services.GetServices<ILogEventSink>())
        {
            configuration.WriteTo.Sink(sink);
        }

        return configuration.CreateLogger();
    }
}
