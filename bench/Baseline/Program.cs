using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

// B0, the framework's ceiling on this machine: a minimal API on Kestrel that answers
// GET /v1/settings/providers with precomputed bytes identical to a typical response of the service,
// with no authentication, no database and no logging.
//   dotnet Baseline.dll <response.json> <url>
//
// B1, the same with the checks the contract requires, done by the framework's own parts: given an API
// key, requests pass the framework's authentication (a handler that finds the key in an in-memory
// table), its rate limiter (one fixed window per caller) and its authorization (a policy requiring
// read:settings); a wrong key gets the framework's 401, a matching If-None-Match a 304. Still no
// database and no logging. What separates the service from B1 is its own work; what separates B1 from
// B0 is the framework's checks. It is ready when GET /ready answers.
//   dotnet Baseline.dll <response.json> <url> <api key>
//
// B2, B0 plus the endpoint's own query, read row by row, for every request: one round trip to
// PostgreSQL on a pooled, auto-prepared connection, as the service makes with its caches disabled.
// Still no authentication and no logging, and the bytes written are B0's: the ceiling of any service
// that reaches PostgreSQL on every request, on this machine. The connection string comes from
// ConnectionStrings__Postgres, as the service's does, and the statement ($1 the workspace) from the
// harness, which passes the service's own.
//   dotnet Baseline.dll <response.json> <url> --query <workspace id> <statement>
var body = File.ReadAllBytes(args[0]);
var workspaceId = args.Length > 4 && args[2] == "--query" ? args[3] : null;
var statement = workspaceId is null ? null : args[4];
var key = args.Length > 2 && workspaceId is null ? args[2] : null;
var etag = $"\"{Base64Url.EncodeToString(SHA256.HashData(body).AsSpan(0, 16))}\""; // the service's form

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
if (key is not null)
{
    builder.Services.AddSingleton(new KeyTable(key));
    builder.Services.AddAuthentication(KeyHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, KeyHandler>(KeyHandler.SchemeName, null);
    builder.Services.AddAuthorization(options => options.AddPolicy("read:settings", policy => policy.RequireClaim("permissions", "read:settings")));
    builder.Services.AddRateLimiter(options => options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        RateLimitPartition.GetFixedWindowLimiter(context.User.Identity?.Name ?? "anonymous",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = int.MaxValue, Window = TimeSpan.FromMinutes(1) })));
}

// The service's settings (DatabaseExtensions.PostgresConnectionString): statements auto-prepared, so
// the query is bound and executed in one round trip, and no session reset when a connection returns
// to the pool.
await using var database = workspaceId is null ? null : new NpgsqlDataSourceBuilder(builder.Configuration.GetConnectionString("Postgres"))
{
    ConnectionStringBuilder = { MaxAutoPrepare = 20, AutoPrepareMinUsages = 2, NoResetOnClose = true },
}.Build();

var app = builder.Build();
if (key is not null)
{
    app.UseAuthentication();
    app.UseRateLimiter();
    app.UseAuthorization();
}

var providers = app.MapGet("/v1/settings/providers", (HttpContext context) =>
{
    var response = context.Response;
    if (key is not null)
    {
        response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
    }

    return database is null ? WriteAsync(response, body) : QueryThenWriteAsync(database, statement!, workspaceId!, response, body);
});
if (key is not null)
{
    providers.RequireAuthorization("read:settings");
    app.MapGet("/ready", () => "ready");
}

app.Run(args[1]);

static Task WriteAsync(HttpResponse response, byte[] body)
{
    response.ContentType = "application/json; charset=utf-8";
    response.ContentLength = body.Length;
    return response.Body.WriteAsync(body).AsTask();
}

/// <summary>B2: the query P runs, with the workspace as a parameter (as the service sends it), every value read.</summary>
static async Task QueryThenWriteAsync(NpgsqlDataSource database, string statement, string workspaceId, HttpResponse response, byte[] body)
{
    await using (var command = database.CreateCommand(statement))
    {
        command.Parameters.Add(new NpgsqlParameter { Value = workspaceId });
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
        }
    }

    await WriteAsync(response, body);
}

/// <summary>B1's one caller: its key and the principal it authenticates as.</summary>
internal sealed class KeyTable(string key)
{
    private readonly ClaimsPrincipal _caller = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "bench-key"), new Claim("permissions", "read:settings")], KeyHandler.SchemeName));

    public ClaimsPrincipal? Find(string presented) => presented == key ? _caller : null;
}

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against <see cref="KeyTable"/>.</summary>
internal sealed class KeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, KeyTable keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Find(header["Bearer ".Length..]) is { } caller
            ? AuthenticateResult.Success(new AuthenticationTicket(caller, SchemeName))
            : AuthenticateResult.Fail("Unknown key."));
    }
}
