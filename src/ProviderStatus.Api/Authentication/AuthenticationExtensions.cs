using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Authentication;

internal static class AuthenticationExtensions
{
    internal const string ApiKeyScheme = "ApiKey";
    internal const string JwtScheme = "Jwt";

    /// <summary>Tolerated clock difference between the identity provider and this service.</summary>
    private static readonly TimeSpan JwtClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The API-key scheme is the default and handles every request itself, except a bearer token that
    /// is not an API key while JWTs are configured: that one it forwards to JwtBearer. (Without JWTs
    /// configured, it refuses such a token itself.)
    /// </summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services)
    {
        services.AddValidatedOptions<JwtOptions, JwtOptions.Validator>(JwtOptions.Section);
        services.AddScoped<ApiKeyService>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<KeyUsage>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsage>());

        services.AddAuthentication(ApiKeyScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, options => options.ForwardDefaultSelector = JwtOrSelf)
            .AddJwtBearer(JwtScheme);
        services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<IOptions<JwtOptions>, TimeProvider>(ConfigureJwtBearer);

        // Authentication registers data protection, but nothing here protects data (no cookies, no
        // antiforgery tokens): keep its keys in memory instead of persisting unencrypted key files.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();

        services.AddAuthorization();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationErrorResultHandler>();
        return services;
    }

    /// <summary>"Jwt" for a bearer token that is not an API key while JWTs are configured; otherwise null (handle it here).</summary>
    private static string? JwtOrSelf(HttpContext context)
    {
        var token = BearerToken.Read(context.Request).Token;
        return token is not null && !token.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal)
            && context.RequestServices.GetRequiredService<IOptions<JwtOptions>>().Value.Enabled
            ? JwtScheme
            : null;
    }

    private static void ConfigureJwtBearer(JwtBearerOptions bearer, IOptions<JwtOptions> jwtOptions, TimeProvider clock)
    {
        var jwt = jwtOptions.Value;
        if (!jwt.Enabled)
        {
            return;
        }

        bearer.MapInboundClaims = false;
        bearer.Authority = string.IsNullOrEmpty(jwt.Authority) ? null : jwt.Authority;
        bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = JwtClockSkew,

            // Lifetime is judged by the service's clock, like every other time rule here.
            LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires, clock.GetUtcNow().UtcDateTime),
        };

        if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            bearer.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey));
            bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        bearer.Events = new JwtBearerEvents { OnTokenValidated = JwtCaller.ReplacePrincipal };
    }

    private static bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, DateTime now) =>
        expires is { } exp && now <= exp.ToUniversalTime() + JwtClockSkew
        && (notBefore is not { } nbf || nbf.ToUniversalTime() <= now + JwtClockSkew);
}
