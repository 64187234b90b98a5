using Microsoft.Extensions.Options;
using Npgsql;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Caching;

/// <summary>
/// Listens on the change channel (PostgreSQL only) and applies each notification, in commit order.
/// Every ping interval it also sends itself a ping through the same channel: receiving it proves that
/// everything committed before it was sent has been applied, which lets cached entries outlive
/// <see cref="CacheOptions.MaxStaleness"/> without ever lagging more than that. When the connection
/// fails, caches fall back to the time bound, and on reconnecting they are cleared, since
/// notifications sent meanwhile were lost.
/// </summary>
internal sealed partial class ChangeListener(
    IOptions<ConnectionStringOptions> connectionStrings,
    IOptions<DatabaseOptions> database,
    ChangeFeed feed,
    CacheFreshness freshness,
    TimeProvider clock,
    ILogger<ChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);
    private readonly Guid _instance = Guid.NewGuid();

    private TimeSpan PingInterval => TimeSpan.FromTicks(Math.Clamp(freshness.MaxStaleness.Ticks / 5, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!connectionStrings.Value.UsesPostgres)
        {
            return;
        }

        var settings = new NpgsqlConnectionStringBuilder(connectionStrings.Value.Postgres)
        {
            Timeout = database.Value.ConnectTimeoutSeconds,
            CommandTimeout = database.Value.CommandTimeoutSeconds,
            KeepAlive = 10,

            // The pings keep no session state, so a pooled connection needs no DISCARD ALL before
            // its next ping: without this, every ping cost PostgreSQL a second statement.
            NoResetOnClose = true,

            // LISTEN belongs to one session, so the channel needs a connection of its own even when
            // the service's queries are multiplexed (Multiplexing=true in the connection string).
            Multiplexing = false,
        };
        await using var pings = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = 2 });
        settings.Pooling = false;

        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(settings.ConnectionString, pings, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                freshness.Unconfirm();
                LogListenerDown(logger, retry.TotalSeconds, e.GetBaseException().Message);
                try
                {
                    await Task.Delay(retry, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    private async Task ListenAsync(string connectionString, NpgsqlDataSource pings, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        connection.Notification += (_, e) => feed.Apply(e.Payload, _instance, freshness);
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {ChangeFeed.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        feed.Clear();
        LogListening(logger);
        while (!stoppingToken.IsCancellationRequested)
        {
            await using (var ping = pings.CreateCommand("SELECT pg_notify($1, $2)"))
            {
                ping.Parameters.Add(new NpgsqlParameter { Value = ChangeFeed.Channel });
                ping.Parameters.Add(new NpgsqlParameter { Value = ChangeFeed.PingPayload(_instance, clock.GetUtcNow()) });
                await ping.ExecuteNonQueryAsync(stoppingToken);
            }

            // Apply notifications as they come until the next ping is due.
            var nextPing = Environment.TickCount64 + (long)PingInterval.TotalMilliseconds;
            long remaining;
            while ((remaining = nextPing - Environment.TickCount64) > 0 && await connection.WaitAsync((int)remaining, stoppingToken))
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for cache invalidations on the database's change channel.")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The change channel is down; caches fall back to their time bound. Retrying in {RetrySeconds} s: {Reason}")]
    private static partial void LogListenerDown(ILogger logger, double retrySeconds, string reason);
}
