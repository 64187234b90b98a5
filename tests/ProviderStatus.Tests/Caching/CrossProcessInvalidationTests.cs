using System.Net;
using Npgsql;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Caching;

/// <summary>
/// Changes made by another process (the CLI, another instance) reach this instance's caches: on
/// PostgreSQL through the change channel, at once; on SQLite when the cached entries age past
/// Cache:MaxStaleness (5 s), which is the bound everywhere.
/// </summary>
public abstract class CrossProcessInvalidationTests(AppFixture fixture)
{
    protected static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(5);

    protected Dictionary<string, string> OtherProcess => fixture.Database == DatabaseKind.Postgres
        ? new() { ["ConnectionStrings__Postgres"] = fixture.App.ConnectionString }
        : new() { ["ConnectionStrings__Sqlite"] = fixture.App.ConnectionString };

    protected async Task<ProcessResult> ImportInOtherProcessAsync(string json)
    {
        var file = Path.Combine(Path.GetTempPath(), $"providerstatus-import-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            return await AppProcess.RunAsync(OtherProcess, "import", file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public sealed class CrossProcessInvalidationTests_Sqlite(SqliteAppFixture fixture)
    : CrossProcessInvalidationTests(fixture), IClassFixture<SqliteAppFixture>
{
    private readonly SqliteAppFixture _fixture = fixture;

    [Fact]
    public async Task An_Import_By_Another_Process_Is_Visible_Once_The_Bound_Has_Passed()
    {
        var workspace = await _fixture.CreateWorkspaceAsync(_fixture.Connection("email", "gmail", "a@example.test"));
        var key = await _fixture.CreateKeyAsync(workspace);
        Assert.Single(await Responses.ProvidersAsync(await _fixture.GetProvidersAsync(key)));

        var import = await ImportInOtherProcessAsync(AppFixture.ImportJson(workspace,
            [_fixture.Connection("email", "gmail", "a@example.test"), _fixture.Connection("calendar", "google", "a@example.test")]));
        var withinBound = await Responses.ProvidersAsync(await _fixture.GetProvidersAsync(key));
        _fixture.Clock.Advance(MaxStaleness + TimeSpan.FromSeconds(1));
        var pastBound = await Responses.ProvidersAsync(await _fixture.GetProvidersAsync(key));

        Assert.Equal(0, import.ExitCode);
        Assert.Single(withinBound);
        Assert.Equal(2, pastBound.Length);
    }

    [Fact]
    public async Task A_Key_Revoked_By_Another_Process_Stops_Working_Within_The_Bound()
    {
        var key = await _fixture.CreateWorkspaceWithKeyAsync(_fixture.Connection("email", "gmail"));
        Assert.Equal(HttpStatusCode.OK, (await _fixture.GetProvidersAsync(key)).StatusCode);

        var revoke = await AppProcess.RunAsync(OtherProcess, "keys", "revoke", key);
        _fixture.Clock.Advance(MaxStaleness + TimeSpan.FromSeconds(1));
        var afterBound = await _fixture.GetProvidersAsync(key);

        Assert.Equal(0, revoke.ExitCode);
        await Responses.AssertErrorAsync(afterBound, HttpStatusCode.Unauthorized, "invalid_key");
    }
}

public sealed class CrossProcessInvalidationTests_Postgres(PostgresAppFixture fixture)
    : PostgresCrossProcessInvalidationTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class CrossProcessInvalidationTests_PostgresMultiplexed(PostgresMultiplexedAppFixture fixture)
    : PostgresCrossProcessInvalidationTests(fixture), IClassFixture<PostgresMultiplexedAppFixture>;

public abstract class PostgresCrossProcessInvalidationTests(AppFixture fixture) : CrossProcessInvalidationTests(fixture)
{
    private readonly AppFixture _fixture = fixture;

    [Fact]
    public async Task An_Import_By_Another_Process_Is_Visible_Without_Waiting_For_The_Bound()
    {
        var workspace = await _fixture.CreateWorkspaceAsync(_fixture.Connection("email", "gmail", "a@example.test"));
        var key = await _fixture.CreateKeyAsync(workspace);
        Assert.Single(await Responses.ProvidersAsync(await _fixture.GetProvidersAsync(key)));

        var import = await ImportInOtherProcessAsync(AppFixture.ImportJson(workspace,
            [_fixture.Connection("email", "gmail", "a@example.test"), _fixture.Connection("calendar", "google", "a@example.test")]));

        Assert.Equal(0, import.ExitCode);
        Assert.True(await EventuallyAsync(async () => (await Responses.ProvidersAsync(await _fixture.GetProvidersAsync(key))).Length == 2),
            "the import did not reach this instance through the change channel");
    }

    [Fact]
    public async Task A_Key_Revoked_By_Another_Process_Stops_Working_Without_Waiting_For_The_Bound()
    {
        var key = await _fixture.CreateWorkspaceWithKeyAsync(_fixture.Connection("email", "gmail"));
        Assert.Equal(HttpStatusCode.OK, (await _fixture.GetProvidersAsync(key)).StatusCode);

        var revoke = await AppProcess.RunAsync(OtherProcess, "keys", "revoke", key);

        Assert.Equal(0, revoke.ExitCode);
        Assert.True(await EventuallyAsync(async () => (await _fixture.GetProvidersAsync(key)).StatusCode == HttpStatusCode.Unauthorized),
            "the revocation did not reach this instance through the change channel");
    }

    [Fact]
    public async Task A_Connection_Changed_By_Plain_Sql_Is_Seen_Without_Waiting_For_The_Bound()
    {
        var workspace = await _fixture.CreateWorkspaceAsync(_fixture.Connection("email", "gmail"));
        var key = await _fixture.CreateKeyAsync(workspace);
        Assert.Equal("healthy", (await Responses.ProvidersAsync(await _fixture.GetProvidersAsync(key)))[0].GetProperty("status").GetString());

        await ExecuteSqlAsync("UPDATE connections SET auth_error = 'The grant was revoked.' WHERE workspace_id = $1", workspace);

        Assert.True(await EventuallyAsync(async () =>
                (await Responses.ProvidersAsync(await _fixture.GetProvidersAsync(key)))[0].GetProperty("status").GetString() == "needs_reauth"),
            "a change written by plain SQL did not reach the cached answer");
    }

    [Fact]
    public async Task A_Key_Revoked_By_Plain_Sql_Stops_Working_Without_Waiting_For_The_Bound()
    {
        var workspace = await _fixture.CreateWorkspaceAsync(_fixture.Connection("email", "gmail"));
        var key = await _fixture.CreateKeyAsync(workspace);
        Assert.Equal(HttpStatusCode.OK, (await _fixture.GetProvidersAsync(key)).StatusCode);

        await ExecuteSqlAsync("UPDATE api_keys SET revoked_at = now() WHERE workspace_id = $1", workspace);

        Assert.True(await EventuallyAsync(async () => (await _fixture.GetProvidersAsync(key)).StatusCode == HttpStatusCode.Unauthorized),
            "a revocation written by plain SQL did not reach the key cache");
    }

    [Fact]
    public async Task A_Change_Committed_Outside_The_Service_Is_Announced_On_The_Channel()
    {
        var workspace = await _fixture.CreateWorkspaceAsync(_fixture.Connection("email", "gmail"));
        await using var listener = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(_fixture.App.ConnectionString) { Multiplexing = false }.ConnectionString);
        await listener.OpenAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        await new NpgsqlCommand("LISTEN providerstatus_changes", listener).ExecuteNonQueryAsync();

        await ImportInOtherProcessAsync(AppFixture.ImportJson(workspace, [_fixture.Connection("billing", "stripe")]));

        // The channel also carries the service's own pings, so wait against a deadline.
        var deadline = Environment.TickCount64 + 10_000;
        while (!payloads.Contains($"w:{workspace}") && Environment.TickCount64 < deadline
            && await listener.WaitAsync((int)Math.Max(1, deadline - Environment.TickCount64)))
        {
        }

        Assert.Contains($"w:{workspace}", payloads);
    }

    private async Task ExecuteSqlAsync(string sql, string workspace)
    {
        await using var connection = new NpgsqlConnection(_fixture.App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = workspace } } };
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Polls for a condition that the change channel makes true; the clock never moves.</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }
}
