using System.Text;
using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.Authentication;

/// <summary>
/// Configuration section <c>Auth:Jwt</c>: how the settings page's JWTs are validated. JWTs are
/// accepted only when <see cref="Authority"/> (OIDC discovery) or <see cref="SigningKey"/> (HS256
/// shared secret) is set; without either the service takes API keys only.
/// </summary>
internal sealed class JwtOptions
{
    public const string Section = "Auth:Jwt";

    /// <summary>The identity provider's issuer URL; signing keys come from its OIDC discovery document.</summary>
    public string? Authority { get; set; }

    /// <summary>A shared HS256 secret of at least 32 bytes, instead of <see cref="Authority"/>.</summary>
    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>Leave on in production; off only for a local identity provider served over http.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(SigningKey);

    internal sealed class Validator : IValidateOptions<JwtOptions>
    {
        public ValidateOptionsResult Validate(string? name, JwtOptions options)
        {
            if (!options.Enabled)
            {
                return ValidateOptionsResult.Success;
            }

            var failures = new List<string>();
            if (string.IsNullOrWhiteSpace(options.Issuer))
            {
                failures.Add($"{Section}:{nameof(Issuer)} must be set when JWTs are enabled.");
            }

            if (string.IsNullOrWhiteSpace(options.Audience))
            {
                failures.Add($"{Section}:{nameof(Audience)} must be set when JWTs are enabled.");
            }

            if (!string.IsNullOrEmpty(options.SigningKey) && Encoding.UTF8.GetByteCount(options.SigningKey) < 32)
            {
                failures.Add($"{Section}:{nameof(SigningKey)} must be at least 32 bytes for HS256.");
            }

            if (!string.IsNullOrEmpty(options.Authority) && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
            {
                failures.Add($"{Section}:{nameof(Authority)} must be an absolute URL.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
