using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Caching;

internal static class CachingExtensions
{
    public static IServiceCollection AddCaching(this IServiceCollection services)
    {
        services.AddValidatedOptions<CacheOptions, CacheOptions.Validator>(CacheOptions.Section);
        services.AddSingleton<CacheFreshness>();
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<KeyCache>();
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService<ChangeListener>();
        return services;
    }
}
