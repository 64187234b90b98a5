using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace ProviderStatus.Tests.Infrastructure;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real service, in memory: the real Program, real middleware, real authentication and a real
/// database. Tests only change configuration (in memory) and the clock.
/// </summary>
public sealed class ProviderStatusApp(
    DatabaseKind database, string connectionString, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? configureServices)
    : WebApplicationFactory<Program>
{
    public const string JwtSigningKey = "tests-only-hs256-signing-key-0123456789abcdef";
    public const string JwtIssuer = "https://identity.test.example/";
    public const string JwtAudience = "providerstatus-api";

    public DatabaseKind Database { get; } = database;

    public string ConnectionString { get; } = connectionString;

    public TestClock Clock { get; } = new();

    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            var values = new Dictionary<string, string?>
            {
                [Database == DatabaseKind.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite"] = ConnectionString,
                ["Auth:Jwt:SigningKey"] = JwtSigningKey,
                ["Auth:Jwt:Issuer"] = JwtIssuer,
                ["Auth:Jwt:Audience"] = JwtAudience,

                // High enough that no test but the rate-limit tests ever meets it.
                ["RateLimiting:PermitLimit"] = "100000",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            configuration.AddInMemoryCollection(values);
        });
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILogEventSink>(Logs);
            services.AddTransient<IStartupFilter, EndpointHeaderStartupFilter>();
            configureServices?.Invoke(services);
        });
    }
}

/// <summary>
/// Tells tests which path answered: every response carries <see cref="HeaderName"/> with the
/// endpoint routing chose for it, or "none" when something answered before routing (the service's
/// cached-answer middleware). Outside the service's own pipeline, so it changes nothing in it.
/// </summary>
public sealed class EndpointHeaderStartupFilter : IStartupFilter
{
    public const string HeaderName = "X-Test-Endpoint";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[HeaderName] = context.GetEndpoint()?.DisplayName ?? "none";
                return Task.CompletedTask;
            });
            return nextMiddleware(context);
        });
        next(app);
    };
}
