using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.Caching;

/// <summary>Configuration section <c>Cache</c>.</summary>
internal sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>
    /// The longest a cached answer may lag behind the database: a change made anywhere (an import, a
    /// revoked key, another instance) is visible within this time. On PostgreSQL, change notifications
    /// usually make it visible at once; this bound is what holds when they cannot be relied on.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether serialized responses are cached; when off, every request reads the database.</summary>
    public bool Responses { get; set; } = true;

    /// <summary>How many workspaces' responses, and how many keys, each cache holds before it starts over.</summary>
    public int MaxEntries { get; set; } = 100_000;

    internal sealed class Validator : IValidateOptions<CacheOptions>
    {
        public ValidateOptionsResult Validate(string? name, CacheOptions options)
        {
            var failures = new List<string>();
            if (options.MaxStaleness <= TimeSpan.Zero || options.MaxStaleness > TimeSpan.FromHours(1))
            {
                failures.Add($"{Section}:{nameof(MaxStaleness)} must be more than 0 and at most 01:00:00.");
            }

            if (options.MaxEntries < 1)
            {
                failures.Add($"{Section}:{nameof(MaxEntries)} must be > 0.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
