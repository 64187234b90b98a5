using ProviderStatus.Api.Hosting;
using ProviderStatus.Api.Import;

namespace ProviderStatus.Api.Providers;

internal static class ProvidersExtensions
{
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddValidatedOptions<StatusOptions, StatusOptions.Validator>(StatusOptions.Section);
        services.AddSingleton<ProviderRepository>();
        services.AddSingleton<ProviderResponses>();
        services.AddScoped<ConnectionImporter>();
        return services;
    }

    /// <summary>
    /// Repeated API-key requests for a cached answer are answered here (see
    /// <see cref="CachedAnswerMiddleware"/>); after the exception envelope, so that a failure is still
    /// answered as one, and ahead of the status-code envelope (its answers are always complete, so
    /// there is nothing for that one to fill in), routing and the framework's checks.
    /// </summary>
    public static IApplicationBuilder UseCachedAnswers(this IApplicationBuilder app) => app.UseMiddleware<CachedAnswerMiddleware>();
}
