using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.RateLimiting;

/// <summary>Configuration section <c>RateLimiting</c>: requests allowed per credential per window.</summary>
internal sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public int PermitLimit { get; set; } = 600;

    public int WindowSeconds { get; set; } = 60;

    internal sealed class Validator : IValidateOptions<RateLimitingOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
        {
            var failures = new List<string>();
            if (options.PermitLimit <= 0)
            {
                failures.Add($"{Section}:{nameof(PermitLimit)} must be > 0.");
            }

            if (options.WindowSeconds is <= 0 or > 86_400)
            {
                failures.Add($"{Section}:{nameof(WindowSeconds)} must be between 1 and 86400.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
