using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.ApiKeys;

/// <summary>
/// When keys were last used, collected in memory and written in batches rather than by the request
/// that uses a key: a key is noted at most once a minute, and the notes are written every 30 seconds
/// and when the service stops.
/// </summary>
internal sealed partial class KeyUsage(
    IDbContextFactory<ProviderStatusDbContext> contexts,
    DbDataSource database,
    TimeProvider clock,
    ILogger<KeyUsage> logger) : BackgroundService
{
    internal static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(30);

    /// <summary>The batch write on PostgreSQL; the benchmark tells it apart from statements requests cause.</summary>
    internal const string PostgresFlushStatement =
        "UPDATE api_keys AS k SET last_used_at = u.used_at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, used_at) WHERE k.id = u.id";

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastNoted = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _pending = new();
    private readonly Lock _stopLock = new();
    private Task? _stopped;

    /// <returns>
    /// When the key's use was last noted, <paramref name="now"/> if by this call: until
    /// <see cref="Resolution"/> after it, recording the key again changes nothing.
    /// </returns>
    public DateTimeOffset Record(Guid keyId, DateTimeOffset now)
    {
        if (_lastNoted.TryGetValue(keyId, out var noted) && IsNoted(noted, now))
        {
            return noted;
        }

        _lastNoted[keyId] = now;
        _pending[keyId] = now;
        return now;
    }

    /// <summary>Whether a use at <paramref name="now"/> is covered by the note taken at <paramref name="noted"/>.</summary>
    public static bool IsNoted(DateTimeOffset noted, DateTimeOffset now) => now - noted < Resolution;

    /// <summary>Writes what has been noted since the last flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        var batch = _pending.ToArray();
        if (database is NpgsqlDataSource postgres)
        {
            await WritePostgresAsync(postgres, batch, cancellationToken);
        }
        else
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (keyId, usedAt) in batch)
            {
                await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, usedAt), cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // A key noted again meanwhile keeps its newer time for the next flush.
        foreach (var written in batch)
        {
            _pending.TryRemove(written);
        }
    }

    /// <summary>
    /// One statement however many keys were used: a busy instance may have thousands. Plain Npgsql on
    /// the service's data source (and so its connection pool): the statement needs nothing of the EF
    /// model, and this also runs while the host is stopping.
    /// </summary>
    private static async Task WritePostgresAsync(NpgsqlDataSource postgres, KeyValuePair<Guid, DateTimeOffset>[] batch, CancellationToken cancellationToken)
    {
        await using var command = postgres.CreateCommand(PostgresFlushStatement);
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Value).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushLoggingFailuresAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the final flush follows.
        }
    }

    /// <summary>
    /// Stops the timer and writes what is left, once: a host may be stopped twice at once (under
    /// <c>WebApplicationFactory</c>, the factory and the Program's own <c>RunAsync</c> both stop it,
    /// and <c>RunAsync</c> then disposes the services), and every caller waits for the same final
    /// write, so none disposes the services while it runs.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            return _stopped ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushLoggingFailuresAsync(cancellationToken);
    }

    private async Task FlushLoggingFailuresAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception e) when (DatabaseFailures.IsUnavailable(e))
        {
            LogFlushFailed(logger, e.GetBaseException().Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record when keys were last used; will retry: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string reason);
}
