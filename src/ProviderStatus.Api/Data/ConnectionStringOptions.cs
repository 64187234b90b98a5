using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ProviderStatus.Api.Data;

/// <summary>
/// Configuration section <c>ConnectionStrings</c>. PostgreSQL is used when <see cref="Postgres"/> is
/// set; otherwise the embedded SQLite database at <see cref="Sqlite"/> (by default
/// <c>data/providerstatus.db</c> under the content root).
/// </summary>
internal sealed class ConnectionStringOptions
{
    public const string Section = "ConnectionStrings";

    public string? Postgres { get; set; }

    public string? Sqlite { get; set; }

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(Postgres);

    public string SqliteConnectionString(string contentRootPath) =>
        string.IsNullOrWhiteSpace(Sqlite)
            ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(contentRootPath, "data", "providerstatus.db") }.ToString()
            : Sqlite;

    /// <summary>Checks the connection strings parse; messages never repeat a connection string.</summary>
    internal sealed class Validator : IValidateOptions<ConnectionStringOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConnectionStringOptions options)
        {
            try
            {
                if (options.UsesPostgres)
                {
                    _ = new NpgsqlConnectionStringBuilder(options.Postgres);
                }
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail($"{Section}:{nameof(Postgres)} is not a valid connection string ({e.Message}).");
            }

            try
            {
                if (!string.IsNullOrWhiteSpace(options.Sqlite))
                {
                    _ = new SqliteConnectionStringBuilder(options.Sqlite);
                }
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail($"{Section}:{nameof(Sqlite)} is not a valid connection string ({e.Message}).");
            }

            return ValidateOptionsResult.Success;
        }
    }
}
