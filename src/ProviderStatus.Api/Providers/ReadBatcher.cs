using System.Collections.Concurrent;
using Npgsql;

namespace ProviderStatus.Api.Providers;

/// <summary>
/// The endpoint's reads on PostgreSQL, sent in batches. A read that arrives while
/// <see cref="_maxInFlight"/> batches are already on their way waits for the next one, which carries
/// every read that waited (up to <see cref="MaxBatchSize"/>) to PostgreSQL as one
/// <see cref="NpgsqlBatch"/>: each read's own statement and parameters, in one round trip ending in
/// one Sync. Every read still runs in PostgreSQL, but its backend takes them back to back instead of
/// sleeping and waking between them, which cut PostgreSQL's CPU per read to between a third and a
/// half where it shares the cores with the service (see the README's "Caching disabled"). With no
/// read waiting, a read goes at once, alone in its batch.
/// </summary>
internal sealed partial class ReadBatcher
{
    /// <summary>Reads per batch at most: enough to empty the queue under any load a pool connection sees.</summary>
    internal const int MaxBatchSize = 64;

    private readonly NpgsqlDataSource _database;
    private readonly int _maxInFlight;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<Read> _waiting = new();
    private int _inFlight;

    public ReadBatcher(NpgsqlDataSource database, int maxInFlight, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _database = database;
        _maxInFlight = maxInFlight;
        _logger = logger;
    }

    /// <summary>
    /// The rows of the workspace (of one category, or all), in the database's order. A caller that
    /// stops waiting stops waiting for the batch only; the batch goes on for the others.
    /// </summary>
    public Task<List<ConnectionRow>> ReadAsync(string workspaceId, string? category, CancellationToken cancellationToken)
    {
        var read = new Read(workspaceId, category);
        _waiting.Enqueue(read);
        SendIfRoom();
        return read.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Starts a sender when reads wait and fewer than the maximum are running. A sender that finds
    /// the queue empty stops, then calls this again, so a read queued just before it stopped is not
    /// left behind.
    /// </summary>
    private void SendIfRoom()
    {
        while (!_waiting.IsEmpty)
        {
            var inFlight = Volatile.Read(ref _inFlight);
            if (inFlight >= _maxInFlight)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _inFlight, inFlight + 1, inFlight) == inFlight)
            {
                _ = Task.Run(SendWhileWaitingAsync);
                return;
            }
        }
    }

    private async Task SendWhileWaitingAsync()
    {
        var batch = new List<Read>(MaxBatchSize);
        while (true)
        {
            while (batch.Count < MaxBatchSize && _waiting.TryDequeue(out var read))
            {
                batch.Add(read);
            }

            if (batch.Count == 0)
            {
                break;
            }

            await SendAsync(batch);
            batch.Clear();
        }

        Interlocked.Decrement(ref _inFlight);
        SendIfRoom();
    }

    /// <summary>Sends one batch and completes each of its reads; never throws.</summary>
    private async Task SendAsync(List<Read> batch)
    {
        LogBatch(batch.Count);
        var answered = 0;
        try
        {
            await using var command = _database.CreateBatch();
            foreach (var read in batch)
            {
                var statement = new NpgsqlBatchCommand(ProviderRepository.Statement(read.Category));
                statement.Parameters.Add(new NpgsqlParameter { Value = read.WorkspaceId });
                if (read.Category is not null)
                {
                    statement.Parameters.Add(new NpgsqlParameter { Value = read.Category });
                }

                command.BatchCommands.Add(statement);
            }

            await using var reader = await command.ExecuteReaderAsync();
            do
            {
                batch[answered].TrySetResult(await ProviderRepository.ReadRowsAsync(reader, CancellationToken.None));
                answered++;
            }
            while (answered < batch.Count && await reader.NextResultAsync());

            if (answered < batch.Count)
            {
                throw new InvalidOperationException($"A batch of {batch.Count} reads returned {answered} results.");
            }
        }
        catch (Exception e)
        {
            // The reads still unanswered fail as one: the database is down or too slow (503 each),
            // or the statement itself is broken (500 each), which alone would fail them the same way.
            // No read can fail for its parameters alone: a workspace id comes from a stored key or
            // a checked token, a category from the API's list.
            foreach (var read in batch.Skip(answered))
            {
                read.TrySetException(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sending {Count} reads in one batch")]
    private partial void LogBatch(int count);

    /// <summary>A read waiting for its batch. Its caller continues on its own thread, not the sender's.</summary>
    private sealed class Read(string workspaceId, string? category)
        : TaskCompletionSource<List<ConnectionRow>>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public string WorkspaceId { get; } = workspaceId;

        public string? Category { get; } = category;
    }
}
