using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Cli;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Import;

namespace ProviderStatus.Tests.Infrastructure;

/// <summary>
/// One running service on a fresh database of its own: a new SQLite file (migrated by the service at
/// startup, as on a first run) or a new PostgreSQL database in the shared test cluster (migrated
/// with the <c>migrate</c> command, as in production).
/// </summary>
public abstract class AppFixture : IAsyncLifetime
{
    private static readonly JsonSerializerOptions ImportJsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private string? _sqliteFile;

    public ProviderStatusApp App { get; private set; } = null!;

    public TestClock Clock => App.Clock;

    public DatabaseKind Database => App.Database;

    protected abstract DatabaseKind Kind { get; }

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Serve over real Kestrel sockets instead of the in-memory test server.</summary>
    protected virtual bool RealSockets => false;

    /// <summary>The cluster a PostgreSQL fixture creates its database in.</summary>
    protected virtual Task<PostgresCluster> Cluster => PostgresCluster.Shared;

    /// <summary>Whether the PostgreSQL database is migrated before the service starts.</summary>
    protected virtual bool Migrated => true;

    /// <summary>Lets a fixture change the connection string it was given, e.g. to add a password.</summary>
    protected virtual string AdjustConnectionString(string connectionString) => connectionString;

    /// <summary>Services a fixture adds on top of the app's own, for what only a test needs.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        string connectionString;
        if (Kind == DatabaseKind.Sqlite)
        {
            _sqliteFile = Path.Combine(Path.GetTempPath(), $"providerstatus-test-{Guid.NewGuid():N}.db");
            connectionString = new SqliteConnectionStringBuilder { DataSource = _sqliteFile }.ToString();
        }
        else
        {
            connectionString = await (await Cluster).CreateDatabaseAsync();
        }

        App = new ProviderStatusApp(Kind, AdjustConnectionString(connectionString), Settings, ConfigureServices);
        if (RealSockets)
        {
            App.UseKestrel(0);
        }

        // Starting the host migrates an embedded database, exactly as a first run does.
        App.StartServer();
        if (Kind == DatabaseKind.Postgres && Migrated)
        {
            var result = await RunCommandAsync("migrate");
            Assert.True(result.ExitCode == 0, result.Stderr);
        }
    }

    public virtual async Task DisposeAsync()
    {
        await App.DisposeAsync();
        if (_sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            TemporarySqliteFile.Delete(_sqliteFile);
        }
    }

    /// <summary>Runs a CLI command in-process against this app's services and configuration.</summary>
    public async Task<ProcessResult> RunCommandAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await CommandLine.RunAsync(App.Services, args, stdout, stderr);
        return new ProcessResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A healthy connection as of now: connected a month ago, synced an hour ago.</summary>
    public ConnectionSpec Connection(string category, string name, string accountId = "account@example.test")
    {
        var now = Clock.GetUtcNow();
        return new ConnectionSpec(category, name, accountId, now.AddDays(-30)) { LastSyncAt = now.AddHours(-1) };
    }

    public static string ImportJson(string workspaceId, IEnumerable<ConnectionSpec> connections, string name = "Test Workspace") =>
        JsonSerializer.Serialize(new { workspaces = new[] { new { id = workspaceId, name, connections } } }, ImportJsonOptions);

    /// <summary>A new workspace with the given connections, loaded through the importer.</summary>
    public async Task<string> CreateWorkspaceAsync(params ConnectionSpec[] connections)
    {
        var workspaceId = $"ws-{Guid.NewGuid().ToString("N")[..16]}";
        await ImportAsync(ImportJson(workspaceId, connections));
        return workspaceId;
    }

    internal async Task<ImportSummary> ImportAsync(string json)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConnectionImporter>().ImportAsync(ImportFile.Parse(json), CancellationToken.None);
    }

    internal async Task<T> QueryAsync<T>(Func<ProviderStatusDbContext, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ProviderStatusDbContext>());
    }

    /// <summary>Writes <paramref name="json"/> to a temporary file and runs <c>import</c> on it.</summary>
    public Task<ProcessResult> ImportFileAsync(string json) => ImportFileAsync(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Runs <c>import</c> on a file holding exactly <paramref name="bytes"/>.</summary>
    public async Task<ProcessResult> ImportFileAsync(byte[] bytes)
    {
        var file = Path.Combine(Path.GetTempPath(), $"providerstatus-import-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            return await RunCommandAsync("import", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A real key, made the way <c>keys create</c> makes one.</summary>
    public async Task<string> CreateKeyAsync(string workspaceId, string[]? permissions = null, DateTimeOffset? expiresAt = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
            .CreateAsync(workspaceId, "test", permissions ?? [Permissions.ReadSettings], expiresAt, CancellationToken.None);
        return created.Secret;
    }

    /// <summary>
    /// On PostgreSQL, waits until the service's change listener has applied every change notified so
    /// far, so that a late notification of a test's own setup cannot evict what the test cached after
    /// it. PostgreSQL delivers notifications in commit order, so once a marker sent now has been
    /// applied, so has everything before it. The marker is sent again until it arrives: one sent
    /// before the listener has started listening is never delivered.
    /// </summary>
    public async Task ChangesDeliveredAsync()
    {
        if (Database != DatabaseKind.Postgres)
        {
            return;
        }

        var feed = App.Services.GetRequiredService<ChangeFeed>();
        var marker = $"test:{Guid.NewGuid():N}";
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnApplied(string payload)
        {
            if (payload == marker)
            {
                applied.TrySetResult();
            }
        }

        feed.Applied += OnApplied;
        try
        {
            await using var connection = new NpgsqlConnection(App.ConnectionString);
            await connection.OpenAsync();
            for (var attempt = 0; !applied.Task.IsCompleted; attempt++)
            {
                Assert.True(attempt < 600, "The service's change listener did not apply a notification within a minute.");
                await using (var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @marker)", connection))
                {
                    notify.Parameters.AddWithValue("channel", ChangeFeed.Channel);
                    notify.Parameters.AddWithValue("marker", marker);
                    await notify.ExecuteNonQueryAsync();
                }

                await Task.WhenAny(applied.Task, Task.Delay(100));
            }
        }
        finally
        {
            feed.Applied -= OnApplied;
        }
    }

    public async Task<string> CreateWorkspaceWithKeyAsync(params ConnectionSpec[] connections) =>
        await CreateKeyAsync(await CreateWorkspaceAsync(connections));

    public Task<HttpResponseMessage> GetProvidersAsync(string? credential, string query = "") =>
        SendAsync(HttpMethod.Get, "/v1/settings/providers" + query, credential);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? credential, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        configure?.Invoke(request);
        using var client = App.CreateClient();
        return await client.SendAsync(request);
    }
}

public sealed class SqliteAppFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresAppFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;
}

/// <summary>
/// PostgreSQL with Npgsql's multiplexing turned on in the connection string (an option the README
/// offers for throughput): the same promises must hold, the change channel included.
/// </summary>
public sealed class PostgresMultiplexedAppFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override string AdjustConnectionString(string connectionString) => Multiplexed(connectionString);

    /// <summary><paramref name="connectionString"/> with multiplexing turned on.</summary>
    public static string Multiplexed(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Multiplexing = true }.ConnectionString;
}

/// <summary>One connection of an import file, in the import format's field names.</summary>
public sealed record ConnectionSpec(string Category, string Name, string AccountId, DateTimeOffset ConnectedAt)
{
    public string? DisplayName { get; init; } = "Test Account";

    public string[] Scopes { get; init; } = ["read"];

    public DateTimeOffset? LastSyncAt { get; init; }

    public string? LastSyncError { get; init; }

    public string? AuthError { get; init; }

    public DateTimeOffset? DisconnectedAt { get; init; }
}
