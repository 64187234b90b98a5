using Microsoft.Extensions.Options;
using ProviderStatus.Api.Import;

namespace ProviderStatus.Api.Providers;

internal static class ProvidersExtensions
{
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddOptions<StatusOptions>().BindConfiguration(StatusOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StatusOptions>, StatusOptions.Validator>();
        services.AddScoped<ProviderRepository>();
        services.AddScoped<ConnectionImporter>();
        return services;
    }
}
