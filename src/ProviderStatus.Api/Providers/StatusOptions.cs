using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.Providers;

/// <summary>Configuration section <c>Status</c>.</summary>
internal sealed class StatusOptions
{
    public const string Section = "Status";

    /// <summary>A connected provider without a successful sync for longer than this is degraded.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(24);

    internal sealed class Validator : IValidateOptions<StatusOptions>
    {
        public ValidateOptionsResult Validate(string? name, StatusOptions options) =>
            options.StaleAfter > TimeSpan.Zero
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{Section}:{nameof(StaleAfter)} must be > 0 (a TimeSpan such as 1.00:00:00).");
    }
}
