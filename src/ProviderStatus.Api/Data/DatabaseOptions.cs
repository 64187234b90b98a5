using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.Data;

/// <summary>
/// Configuration section <c>Database</c>: how long a request may wait for the database. Short
/// timeouts turn an outage into a quick 503 instead of a request that hangs; they override any
/// timeouts in the connection string.
/// </summary>
internal sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Seconds to wait for a connection, including one from an exhausted pool.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 3;

    /// <summary>Seconds a single command may run.</summary>
    public int CommandTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// On PostgreSQL, how many batches of the endpoint's reads may be on their way at once (see
    /// <c>ReadBatcher</c>); 0 sends every read as a command of its own.
    /// </summary>
    public int ReadBatches { get; set; } = 1;

    internal sealed class Validator : IValidateOptions<DatabaseOptions>
    {
        public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
        {
            var failures = new List<string>();
            if (options.ConnectTimeoutSeconds is < 1 or > 600)
            {
                failures.Add($"{Section}:{nameof(ConnectTimeoutSeconds)} must be between 1 and 600.");
            }

            if (options.CommandTimeoutSeconds is < 1 or > 600)
            {
                failures.Add($"{Section}:{nameof(CommandTimeoutSeconds)} must be between 1 and 600.");
            }

            if (options.ReadBatches is < 0 or > 100)
            {
                failures.Add($"{Section}:{nameof(ReadBatches)} must be between 0 and 100.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
