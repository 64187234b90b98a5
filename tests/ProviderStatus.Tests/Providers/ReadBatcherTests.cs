using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Providers;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Providers;

/// <summary>The service on PostgreSQL with its answers not cached and its batches logged.</summary>
public sealed class BatchedReadsFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cache:Responses"] = "false",
        ["Serilog:MinimumLevel:Override:ProviderStatus.Api.Providers"] = "Debug",
    };
}

/// <summary>The service on PostgreSQL with its reads not batched, its answers not cached and its reads logged.</summary>
public sealed class UnbatchedReadsFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Database:ReadBatches"] = "0",
        ["Cache:Responses"] = "false",
        ["Serilog:MinimumLevel:Override:ProviderStatus.Api.Providers"] = "Debug",
    };
}

/// <summary>With <c>Database:ReadBatches=0</c>, each read is a command of its own.</summary>
public sealed class UnbatchedReadTests(UnbatchedReadsFixture fixture) : IClassFixture<UnbatchedReadsFixture>
{
    [Fact]
    public async Task Reads_Are_Answered_Without_A_Batch()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"), fixture.Connection("channels", "slack"));
        var logged = fixture.App.Logs.Lines.Count;

        var all = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fixture.GetProvidersAsync(key)));
        var channels = await fixture.GetProvidersAsync(key, "?category=channels");

        foreach (var response in all)
        {
            Assert.Equal(["gmail", "slack"], (await Responses.ProvidersAsync(response)).Select(r => r.GetProperty("name").GetString()));
        }

        Assert.Equal(["slack"], (await Responses.ProvidersAsync(channels)).Select(r => r.GetProperty("name").GetString()));
        var lines = fixture.App.Logs.Lines.Skip(logged).ToList();
        Assert.Contains(lines, line => line.Contains("Reading the connections of workspace", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("reads in one batch", StringComparison.Ordinal));
    }
}

/// <summary>
/// Reads that wait together go to PostgreSQL together. The tests hold the connections table locked,
/// so that the first batch waits in PostgreSQL while the other reads queue behind it.
/// </summary>
public sealed class ReadBatcherTests(BatchedReadsFixture fixture) : IClassFixture<BatchedReadsFixture>
{
    private ProviderRepository Repository => fixture.App.Services.GetRequiredService<ProviderRepository>();

    [Fact]
    public async Task Reads_That_Wait_Together_Go_In_One_Batch_And_Each_Gets_Its_Own_Rows()
    {
        var mail = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"), fixture.Connection("channels", "slack"));
        var identity = await fixture.CreateWorkspaceAsync(fixture.Connection("identity", "okta"), fixture.Connection("billing", "stripe"), fixture.Connection("email", "gmail"));
        var empty = await fixture.CreateWorkspaceAsync();
        var reads = new (string Workspace, string? Category, string[] Expected)[]
        {
            (mail, null, ["gmail", "slack"]),
            (identity, null, ["gmail", "okta", "stripe"]),
            (mail, "channels", ["slack"]),
            (identity, "billing", ["stripe"]),
            (identity, "channels", []),
            (empty, null, []),
            (mail, "email", ["gmail"]),
            (identity, "email", ["gmail"]),
        };
        var logged = fixture.App.Logs.Lines.Count;

        List<Task<List<ConnectionRow>>> pending;
        await using (var lockedTable = await LockConnectionsAsync())
        {
            pending = [.. reads.Select(r => Repository.ListAsync(r.Workspace, r.Category, CancellationToken.None))];
            Assert.DoesNotContain(pending, p => p.IsCompleted);
            await lockedTable.CommitAsync();
        }

        var answers = await Task.WhenAll(pending);

        for (var i = 0; i < reads.Length; i++)
        {
            Assert.Equal(reads[i].Expected, answers[i].Select(row => row.Name));
            Assert.All(answers[i], row => Assert.True(reads[i].Category is null || row.Category == reads[i].Category));
        }

        // The first batch left while the others queued behind it, so there were at most two.
        var batches = BatchSizes(fixture.App.Logs.Lines.Skip(logged));
        Assert.InRange(batches.Count, 1, 2);
        Assert.Equal(reads.Length, batches.Sum());
    }

    [Fact]
    public async Task When_The_Database_Ends_A_Batch_Its_Reads_Fail_As_Unavailable_And_Later_Reads_Succeed()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var other = await fixture.CreateWorkspaceAsync(fixture.Connection("identity", "okta"));
        var logged = fixture.App.Logs.Lines.Count;

        // Should a failed batch leave its reads waiting, the test fails rather than waits forever.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        Exception?[] failures;
        await using (var lockedTable = await LockConnectionsAsync())
        {
            // The first read goes alone and waits for the lock; the next two queue behind it. Each
            // batch's backend is ended while it waits, as a database restart would end it.
            var alone = Repository.ListAsync(workspace, null, CancellationToken.None);
            var first = await lockedTable.BackendWaitingForItAsync(except: []);
            var together = new[]
            {
                Repository.ListAsync(other, "identity", CancellationToken.None),
                Repository.ListAsync(workspace, "email", CancellationToken.None),
            };
            await lockedTable.EndAsync(first);
            var aloneFailure = await Record.ExceptionAsync(() => alone.WaitAsync(giveUp.Token));
            await lockedTable.EndAsync(await lockedTable.BackendWaitingForItAsync(except: [first]));
            failures = [aloneFailure, .. await Task.WhenAll(together.Select(read => Record.ExceptionAsync(() => read.WaitAsync(giveUp.Token))))];
            await lockedTable.CommitAsync();
        }

        Assert.All(failures, failure => Assert.True(DatabaseFailures.IsUnavailable(failure), $"Not an outage: {failure}"));
        Assert.Equal([1, 2], BatchSizes(fixture.App.Logs.Lines.Skip(logged)));
        Assert.Equal(["gmail"], (await Repository.ListAsync(workspace, null, CancellationToken.None)).Select(row => row.Name));
        Assert.Equal(["okta"], (await Repository.ListAsync(other, "identity", CancellationToken.None)).Select(row => row.Name));
    }

    [Fact]
    public async Task A_Caller_That_Stops_Waiting_Stops_At_Once_And_The_Batch_Goes_On_For_The_Others()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        using var giveUp = new CancellationTokenSource();

        Task<List<ConnectionRow>> kept, abandoned;
        Exception? stopped;
        await using (var lockedTable = await LockConnectionsAsync())
        {
            kept = Repository.ListAsync(workspace, null, CancellationToken.None);
            abandoned = Repository.ListAsync(workspace, null, giveUp.Token);
            await giveUp.CancelAsync();

            // While the table is still locked: the caller does not wait for the database.
            stopped = await Record.ExceptionAsync(() => abandoned);
            await lockedTable.CommitAsync();
        }

        Assert.IsAssignableFrom<OperationCanceledException>(stopped);
        Assert.Equal(["gmail"], (await kept).Select(row => row.Name));
        Assert.Equal(["gmail"], (await Repository.ListAsync(workspace, "email", CancellationToken.None)).Select(row => row.Name));
    }

    /// <summary>A transaction holding the connections table, which every read waits for until it ends.</summary>
    private async Task<LockedTable> LockConnectionsAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.App.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE connections IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        return new LockedTable(connection, transaction);
    }

    private static List<int> BatchSizes(IEnumerable<string> lines) =>
        [.. lines.Select(line => System.Text.RegularExpressions.Regex.Match(line, "Sending (\\d+) reads in one batch"))
            .Where(match => match.Success)
            .Select(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private sealed class LockedTable(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task CommitAsync() => transaction.CommitAsync();

        /// <summary>
        /// Waits until a backend other than <paramref name="except"/> waits for the lock to read the
        /// endpoint's rows; returns its process id.
        /// </summary>
        public async Task<int> BackendWaitingForItAsync(int[] except)
        {
            // A connection of its own: a transaction sees pg_stat_activity as it was when first read.
            await using var watcher = await OpenWatcherAsync();
            await using var find = new NpgsqlCommand(
                """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1 AND NOT pid = ANY($2)
                LIMIT 1
                """, watcher);
            find.Parameters.Add(new NpgsqlParameter { Value = ProviderRepository.AllRows + "%" });
            find.Parameters.Add(new NpgsqlParameter { Value = except });
            using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            object? pid;
            do
            {
                pid = await find.ExecuteScalarAsync(giveUp.Token);
            }
            while (pid is null);

            return (int)pid;
        }

        /// <summary>Ends the backend, as a database restart or an administrator would.</summary>
        public async Task EndAsync(int pid)
        {
            await using var watcher = await OpenWatcherAsync();
            await using var end = new NpgsqlCommand("SELECT pg_terminate_backend($1)", watcher);
            end.Parameters.Add(new NpgsqlParameter { Value = pid });
            Assert.Equal(true, await end.ExecuteScalarAsync());
        }

        private async Task<NpgsqlConnection> OpenWatcherAsync()
        {
            var watcher = new NpgsqlConnection(connection.ConnectionString);
            await watcher.OpenAsync();
            return watcher;
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
