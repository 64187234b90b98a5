using System.Globalization;
using ProviderStatus.Api.Authentication;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Display;

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

        // The framework logs every failed authentication at Information under the handler's own
        // name, which the "Microsoft.AspNetCore" level does not cover for the API-key handler: a
        // second line for each bad key, when the summary line already records the 401. Warnings
        // and errors still come through, as they do from the JWT handler.
        builder.Logging.AddFilter(typeof(ApiKeyAuthenticationHandler).FullName, LogLevel.Warning);
        builder.Services.AddSingleton(services => CreateLogger(services, isCommand));
        builder.Services.AddSingleton<Serilog.ILogger>(services => services.GetRequiredService<Serilog.Core.Logger>());
        builder.Services.AddSingleton<ILoggerProvider>(services =>
            new SerilogLoggerProvider(services.GetRequiredService<Serilog.Core.Logger>(), dispose: true));
    }

    private static Serilog.Core.Logger CreateLogger(IServiceProvider services, bool isCommand)
    {
        // The levels appsettings.json states, also set here: a published copy started from another
        // directory has no appsettings.json in its content root, and would otherwise log every SQL
        // command. Configuration overrides them.
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .ReadFrom.Configuration(services.GetRequiredService<IConfiguration>())
            .Enrich.With<RequestIdEnricher>()
            .Enrich.With<SecretMaskingEnricher>();

        var text = services.GetRequiredService<IHostEnvironment>().IsDevelopment()
            ? new MessageTemplateTextFormatter(DevelopmentTemplate, CultureInfo.InvariantCulture)
            : null;
        configuration.WriteTo.Sink(new BackgroundConsoleSink(text, standardError: isCommand));

        foreach (var sink in services.GetServices<ILogEventSink>())
        {
            configuration.WriteTo.Sink(sink);
        }

        return configuration.CreateLogger();
    }
}
