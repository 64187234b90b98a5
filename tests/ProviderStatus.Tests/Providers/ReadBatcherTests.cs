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
    public async Task A_Read_That_Fails_Fails_Alone_And_The_Others_In_Its_Batch_Still_Get_Their_Rows()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var other = await fixture.CreateWorkspaceAsync(fixture.Connection("identity", "okta"));

        Task<List<ConnectionRow>> first, bad, after, last;
        await using (var lockedTable = await LockConnectionsAsync())
        {
            first = Repository.ListAsync(workspace, null, CancellationToken.None);

            // PostgreSQL refuses a NUL in text: this statement fails, and with it the rest of its batch.
            bad = Repository.ListAsync("ws-\0-nul", null, CancellationToken.None);
            after = Repository.ListAsync(other, null, CancellationToken.None);
            last = Repository.ListAsync(workspace, "email", CancellationToken.None);
            await lockedTable.CommitAsync();
        }

        var failure = await Record.ExceptionAsync(() => bad);

        Assert.Equal(["gmail"], (await first).Select(row => row.Name));
        Assert.Equal(["okta"], (await after).Select(row => row.Name));
        Assert.Equal(["gmail"], (await last).Select(row => row.Name));
        Assert.IsType<PostgresException>(failure);
        Assert.False(DatabaseFailures.IsUnavailable(failure));
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

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
