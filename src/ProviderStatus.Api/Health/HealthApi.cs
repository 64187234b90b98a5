using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ProviderStatus.Api.Health;

/// <summary>The body of a health endpoint: <c>{"status":"healthy","checks":{"database":{…}}}</c>.</summary>
internal sealed record HealthResponse(string Status, IReadOnlyDictionary<string, HealthCheckEntry> Checks);

internal sealed record HealthCheckEntry(string Status, string? Description);

internal static class HealthApi
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string ReadyTag = "ready";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(10));
        return services;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers; runs no check, touches no database.
    /// <c>/health/ready</c>: the database answers and its schema is up to date; 503 otherwise.
    /// Both skip authentication and rate limiting (they short-circuit at routing) and are never cached.
    /// </summary>
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .ShortCircuit();
        routes.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .ShortCircuit();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        var checks = report.Entries.ToDictionary(e => e.Key, e => new HealthCheckEntry(Name(e.Value.Status), e.Value.Description));
        return context.Response.WriteAsJsonAsync(new HealthResponse(Name(report.Status), checks), context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();
}
