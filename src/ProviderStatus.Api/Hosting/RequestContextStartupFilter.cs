namespace ProviderStatus.Api.Hosting;

/// <summary>
/// The outermost middleware of the service, ahead even of the framework's own (host filtering):
/// every request gets its id, every log line written while handling it carries that id, every
/// request ends with a summary line (as <c>RequestLogging:Summaries</c> says), and every response
/// carries the security headers.
/// </summary>
internal sealed class RequestContextStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<RequestLoggingMiddleware>();
        next(app);
    };
}

internal static class RequestContextExtensions
{
    /// <summary>Registered first, so that it wraps the startup filters the framework registers.</summary>
    public static IServiceCollection AddRequestContext(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, RequestContextStartupFilter>());
        services.AddValidatedOptions<RequestLoggingOptions, RequestLoggingOptions.Validator>(RequestLoggingOptions.Section);
        services.AddSingleton<RepeatedFailures>();
        services.AddHostedService(sp => sp.GetRequiredService<RepeatedFailures>());
        return services;
    }
}
