using Microsoft.Extensions.Diagnostics.HealthChecks;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Health;

/// <summary>Ready when the database answers and has no pending migrations.</summary>
internal sealed class DatabaseHealthCheck(ProviderStatusDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> pending;
        try
        {
            pending = await db.PendingMigrationsAsync(cancellationToken);
        }
        catch (Exception e) when (DatabaseFailures.IsUnavailable(e))
        {
            // The exception's message may name hosts; the probe's answer stays generic.
            return HealthCheckResult.Unhealthy("The database does not answer.");
        }

        return pending.Count == 0
            ? HealthCheckResult.Healthy("The database answers and its schema is up to date.")
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending: run the migrate command.");
    }
}
