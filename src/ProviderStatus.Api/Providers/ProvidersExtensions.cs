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
}
