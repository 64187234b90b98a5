using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ProviderStatus.Api.RateLimiting;

namespace ProviderStatus.Api.Hosting;

/// <summary>Configuration section <c>Cors</c>: which browser origins may call the API.</summary>
internal sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>
    /// Origins such as <c>https://app.example.com</c>; none by default, <c>*</c> for any. Blank entries
    /// are ignored, so an unset variable in a deployment template means "none".
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<string> Origins => AllowedOrigins.Where(origin => !string.IsNullOrWhiteSpace(origin));

    internal sealed class Validator : IValidateOptions<CorsSettings>
    {
        public ValidateOptionsResult Validate(string? name, CorsSettings options)
        {
            var invalid = options.Origins.Where(origin => origin != "*" && !IsOrigin(origin)).ToList();
            return invalid.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{Section}:{nameof(AllowedOrigins)} must hold origins such as https://app.example.com (scheme, host and port only), not '{invalid[0]}'.");
        }

        private static bool IsOrigin(string origin) =>
            Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.GetLeftPart(UriPartial.Authority) == origin.TrimEnd('/');
    }
}

internal static class CorsExtensions
{
    /// <summary>
    /// Lets the settings page call the API from the configured origins: GET with an
    /// <c>Authorization</c> header, and the rate-limit and request-id headers readable by its script.
    /// </summary>
    public static IServiceCollection AddApiCors(this IServiceCollection services)
    {
        services.AddValidatedOptions<CorsSettings, CorsSettings.Validator>(CorsSettings.Section);
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CorsSettings>>((cors, settings) => cors.AddDefaultPolicy(policy =>
        {
            var origins = settings.Value.Origins.ToArray();
            if (origins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(origins);
            }

            policy.WithMethods(HttpMethods.Get)
                .WithHeaders(HeaderNames.Authorization, RequestIdMiddleware.HeaderName)
                .WithExposedHeaders(
                    RequestQuota.LimitHeader, RequestQuota.RemainingHeader, RequestQuota.ResetHeader,
                    HeaderNames.RetryAfter, RequestIdMiddleware.HeaderName)
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return services;
    }
}
