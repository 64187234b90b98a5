using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using ProviderStatus.Bench;

// The benchmark: the service against baselines measured in the same run, B0 (a minimal Kestrel app
// returning the same bytes, the framework's ceiling here), P (pgbench running the endpoint's own
// query), and B1 and B2, B0 with the framework's checks or with the query. Run it with bench/run.sh;
// see the README, "Measuring performance".
if (BenchOptions.Parse(args, out var optionsError) is not { } options)
{
    if (optionsError is not null)
    {
        await Console.Error.WriteLineAsync($"error: {optionsError}");
    }

    await (optionsError is null ? Console.Out : Console.Error).WriteLineAsync(BenchOptions.Usage);
    return optionsError is null ? 0 : 2;
}

var root = FindRoot();
var resultsDirectory = Path.Combine(root, "bench", "results");
Directory.CreateDirectory(resultsDirectory);
var apiDll = Path.Combine(root, "src", "ProviderStatus.Api", "bin", "Release", "net10.0", "ProviderStatus.Api.dll");
var baselineDll = Path.Combine(root, "bench", "Baseline", "bin", "Release", "net10.0", "Baseline.dll");

Console.WriteLine(options.Postgres is null ? "Starting PostgreSQL..." : "Creating the benchmark's database on the --postgres server...");
BenchDatabase database;
try
{
    database = options.Postgres is null ? await BenchDatabase.StartLocalAsync() : await BenchDatabase.CreateOnServerAsync(options.Postgres);
}
catch (NpgsqlException e) when (options.Postgres is not null)
{
    // Npgsql's message names the host and the server's refusal, never the password.
    await Console.Error.WriteLineAsync($"error: the --postgres server: {e.Message}");
    return 1;
}

await using var disposeDatabase = database;
var connectionString = database.ConnectionString;
Console.WriteLine("Seeding (10,000 workspaces)...");
var data = await Seeder.SeedAsync(connectionString);
var keysFile = Path.Combine(resultsDirectory, "many-keys.txt");
await File.WriteAllLinesAsync(keysFile, data.Many.Select(w => w.Key));
var oneKeyFile = Path.Combine(resultsDirectory, "one-key.txt");
await File.WriteAllLinesAsync(oneKeyFile, [data.Typical.Key]);
var rotateScript = Path.Combine(root, "bench", "rotate-keys.lua");

const string signingKey = "bench-only-hs256-signing-key-0123456789abcdef";
var service = new Dictionary<string, string>
{
    ["ConnectionStrings__Postgres"] = connectionString,
    ["RateLimiting__PermitLimit"] = "1000000000",
    ["Auth__Jwt__SigningKey"] = signingKey,
    ["Auth__Jwt__Issuer"] = "https://bench.example/",
    ["Auth__Jwt__Audience"] = "providerstatus-api",
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
};
var serviceUrl = new Uri("http://127.0.0.1:5180");
var path = new Uri(serviceUrl, "/v1/settings/providers");
var results = new List<ScenarioResult>();
var measure = new Measurements(options, database);
var typicalBody = Path.Combine(resultsDirectory, "typical-response.json");

await using (var api = await Server.StartAsync(apiDll, ["--urls", serviceUrl.ToString()], serviceUrl, Path.Combine(resultsDirectory, "service.log"), service, "/health/ready"))
{
    using var client = new HttpClient { BaseAddress = serviceUrl };
    var typical = await GetAsync(client, data.Typical.Key, etag: null);

    // Let the JIT finish tiering the hot paths first, so that the first scenario is not penalised.
    await measure.WarmUpAsync(api.Pid, path, [Bearer(data.Typical.Key)]);
    await File.WriteAllBytesAsync(typicalBody, typical.Body);
    Console.WriteLine($"A typical response: {typical.Body.Length} bytes, {Seeder.TypicalRows} rows, ETag {typical.ETag ?? "(none)"}.");

    // B0 keeps running next to the service: each scenario's rounds are paired with B0 rounds.
    var baselineUrl = new Uri("http://127.0.0.1:5181");
    var baselinePath = new Uri(baselineUrl, "/v1/settings/providers");
    await using var baseline = await Server.StartAsync(baselineDll, [typicalBody, baselineUrl.ToString()], baselineUrl, Path.Combine(resultsDirectory, "baseline.log"), new Dictionary<string, string>(), "/v1/settings/providers");
    results.Add(await measure.HttpAsync("B0", "minimal Kestrel, same bytes", baseline.Pid, baselinePath, options.Connections, []));
    results.Add(await measure.HttpAsync("B0 c256", "minimal Kestrel, 256 connections", baseline.Pid, baselinePath, 256, []));
    BaselineRound b0 = () => measure.WrkRoundAsync(baselinePath, options.Connections, []);

    // B1: B0 behind the framework's authentication, rate limiter and authorization, still without
    // logging or a database; the same three requests the service's goals are about, against B0.
    var checksUrl = new Uri("http://127.0.0.1:5183");
    var checksPath = new Uri(checksUrl, "/v1/settings/providers");
    await using (var checks = await Server.StartAsync(baselineDll, [typicalBody, checksUrl.ToString(), data.Typical.Key], checksUrl,
        Path.Combine(resultsDirectory, "baseline-checks.log"), new Dictionary<string, string>(), "/ready"))
    {
        using var checksClient = new HttpClient { BaseAddress = checksUrl };
        var checksETag = (await GetAsync(checksClient, data.Typical.Key, etag: null)).ETag ?? "\"none\"";
        results.Add(await measure.HttpAsync("B1", "B0 + the framework's authentication, rate limiter, authorization", checks.Pid, checksPath, options.Connections,
            [Bearer(data.Typical.Key)], b0));
        results.Add(await measure.HttpAsync("B1 304", "as B1, If-None-Match with its ETag", checks.Pid, checksPath, options.Connections,
            [Bearer(data.Typical.Key), $"If-None-Match: {checksETag}"], b0));
        results.Add(await measure.HttpAsync("B1 invalid key", "as B1, a key it does not know (the framework's 401)", checks.Pid, checksPath, options.Connections,
            [Bearer(ProviderStatus.Api.ApiKeys.ApiKeyFormat.Generate())], b0));
    }

    results.Add(await measure.PgbenchAsync("P", "pgbench -M prepared, the endpoint's query", data.Typical.Id));
    BaselineRound apiKey200 = () => measure.WrkRoundAsync(path, options.Connections, [Bearer(data.Typical.Key)]);

    var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://bench.example/",
        Audience = "providerstatus-api",
        Claims = new Dictionary<string, object> { ["sub"] = "bench-user", ["workspace_id"] = data.Typical.Id, ["permissions"] = new List<string> { "read:settings" } },
        Expires = DateTime.UtcNow.AddHours(2),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
    });

    results.Add(await measure.HttpAsync("api key 200", $"API key, {Seeder.TypicalRows} rows", api.Pid, path, options.Connections, [Bearer(data.Typical.Key)], b0));
    results.Add(await measure.HttpAsync("jwt 200", $"JWT, {Seeder.TypicalRows} rows", api.Pid, path, options.Connections, [Bearer(jwt)], b0));
    results.Add(await measure.HttpAsync("304", "If-None-Match with the current ETag", api.Pid, path, options.Connections,
        [Bearer(data.Typical.Key), $"If-None-Match: {typical.ETag ?? "\"none\""}"], b0));
    results.Add(await measure.HttpAsync("invalid key", "a well-formed key nobody has", api.Pid, path, options.Connections,
        [Bearer(ProviderStatus.Api.ApiKeys.ApiKeyFormat.Generate())], b0));
    foreach (var workspace in data.BySize)
    {
        results.Add(await measure.HttpAsync($"rows {workspace.Rows}", $"API key, {workspace.Rows} rows", api.Pid, path, options.Connections, [Bearer(workspace.Key)], b0));
    }

    // 10,000 workspaces against 1, both through wrk's key-rotating script: a script that makes each
    // request costs wrk, which shares the cores with the service, about 7% of the throughput, and
    // "api key 200" (a fixed request) would count that against the 10,000 workspaces.
    results.Add(await measure.HttpAsync("1 workspace", "its one key through the same wrk script", api.Pid, path, options.Connections, [], apiKey200,
        script: rotateScript, scriptArgument: oneKeyFile));

    // Every key once before the scenario's warm-up: the scenario is about a service with 10,000
    // workspaces in its caches, and a short warm-up of wrk's rotation alone does not always reach
    // all of them (a --quick run once measured 88 queries per 1,000 requests).
    Console.WriteLine($"Using each of the {Seeder.ManyWorkspaces:N0} keys once...");
    await Parallel.ForEachAsync(data.Many, new ParallelOptions { MaxDegreeOfParallelism = options.Connections },
        async (workspace, _) => await GetAsync(client, workspace.Key, etag: null));
    BaselineRound oneWorkspace = () => measure.WrkRoundAsync(path, options.Connections, [], rotateScript, oneKeyFile);
    results.Add(await measure.HttpAsync("10k workspaces", $"{Seeder.ManyWorkspaces:N0} keys rotated by wrk", api.Pid, path, options.Connections, [], oneWorkspace,
        script: rotateScript, scriptArgument: keysFile));
    results.Add(await measure.SustainedAsync("c256 sustained", $"API key, 256 connections, {options.SustainedSeconds} s", api.Pid, path, [Bearer(data.Typical.Key)]));
    results.Add(Measurements.PeakMemory("peak RSS", "the service over all the scenarios above", api.Pid));

    // What a summary line for every request costs: a second instance with the setting the README
    // documents ("Logs") at All instead of the default, against B0 like the scenarios above. Its row
    // goes next to the one it differs from.
    var loggedUrl = new Uri("http://127.0.0.1:5182");
    var loggedPath = new Uri(loggedUrl, "/v1/settings/providers");
    await using (var logged = await Server.StartAsync(apiDll, ["--urls", loggedUrl.ToString(), "--RequestLogging:Summaries=All"],
        loggedUrl, Path.Combine(resultsDirectory, "service-logged.log"), service, "/health/ready"))
    {
        await measure.WarmUpAsync(logged.Pid, loggedPath, [Bearer(data.Typical.Key)]);
        results.Insert(results.FindIndex(r => r.Name == "api key 200") + 1, await measure.HttpAsync("api key 200, every request logged",
            "as api key 200, with a summary line for every request", logged.Pid, loggedPath, options.Connections, [Bearer(data.Typical.Key)], b0));
    }
}

BaselineRound pgbench = () => measure.PgbenchRoundAsync(data.Typical.Id);

// B2: B0 plus the endpoint's query on every request (plain Npgsql, pooled and auto-prepared like the
// service's), with no authentication, logging, EF Core or serialization: the ceiling of any service
// that reaches PostgreSQL on every request, against P like the caching-disabled rows. Its rows go
// after P's, with the other baselines.
var queryUrl = new Uri("http://127.0.0.1:5184");
var queryPath = new Uri(queryUrl, "/v1/settings/providers");
var ceilings = new List<ScenarioResult>();
foreach (var (name, description, ceilingDatabase) in new[]
{
    ("B2", "B0 + the endpoint's query on every request (Npgsql alone)", connectionString),
    ("B2, multiplexed", "as B2, Multiplexing=true", connectionString + ";Multiplexing=true"),
})
{
    await using var ceiling = await Server.StartAsync(baselineDll,
        [typicalBody, queryUrl.ToString(), "--query", data.Typical.Id, ProviderStatus.Api.Providers.ProviderRepository.AllRows], queryUrl,
        Path.Combine(resultsDirectory, "baseline-query.log"), new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = ceilingDatabase }, "/v1/settings/providers");
    await measure.WarmUpAsync(ceiling.Pid, queryPath, []);
    ceilings.Add(await measure.HttpAsync(name, description, ceiling.Pid, queryPath, options.Connections, [], pgbench));
}

results.InsertRange(results.FindIndex(r => r.Name == "P") + 1, ceilings);

await using (var uncached = await Server.StartAsync(apiDll, ["--urls", serviceUrl.ToString()], serviceUrl, Path.Combine(resultsDirectory, "service-uncached.log"),
    new Dictionary<string, string>(service) { ["Cache__Responses"] = "false" }, "/health/ready"))
{
    await measure.WarmUpAsync(uncached.Pid, path, [Bearer(data.Typical.Key)]);
    results.Add(await measure.HttpAsync("caching disabled", "API key, every request reaches PostgreSQL", uncached.Pid, path, options.Connections, [Bearer(data.Typical.Key)], pgbench));
}

// The same with every read sent on its own (Database:ReadBatches=0), as before reads were batched.
await using (var unbatched = await Server.StartAsync(apiDll, ["--urls", serviceUrl.ToString()], serviceUrl, Path.Combine(resultsDirectory, "service-unbatched.log"),
    new Dictionary<string, string>(service) { ["Cache__Responses"] = "false", ["Database__ReadBatches"] = "0" }, "/health/ready"))
{
    await measure.WarmUpAsync(unbatched.Pid, path, [Bearer(data.Typical.Key)]);
    results.Add(await measure.HttpAsync("caching disabled, unbatched", "as above, Database:ReadBatches=0", unbatched.Pid, path, options.Connections, [Bearer(data.Typical.Key)], pgbench));
}

// The same with Npgsql's multiplexing, an opt-in of the connection string (see the README).
await using (var multiplexed = await Server.StartAsync(apiDll, ["--urls", serviceUrl.ToString()], serviceUrl, Path.Combine(resultsDirectory, "service-multiplexed.log"),
    new Dictionary<string, string>(service) { ["Cache__Responses"] = "false", ["ConnectionStrings__Postgres"] = connectionString + ";Multiplexing=true" }, "/health/ready"))
{
    await measure.WarmUpAsync(multiplexed.Pid, path, [Bearer(data.Typical.Key)]);
    results.Add(await measure.HttpAsync("caching disabled, multiplexed", "as above, Multiplexing=true", multiplexed.Pid, path, options.Connections, [Bearer(data.Typical.Key)], pgbench));
}

// And with fewer pooled connections than callers, which was faster on a machine where PostgreSQL
// shares the cores with the service (see the README).
await using (var smallPool = await Server.StartAsync(apiDll, ["--urls", serviceUrl.ToString()], serviceUrl, Path.Combine(resultsDirectory, "service-small-pool.log"),
    new Dictionary<string, string>(service) { ["Cache__Responses"] = "false", ["ConnectionStrings__Postgres"] = connectionString + ";Maximum Pool Size=8" }, "/health/ready"))
{
    await measure.WarmUpAsync(smallPool.Pid, path, [Bearer(data.Typical.Key)]);
    results.Add(await measure.HttpAsync("caching disabled, pool of 8", "as above, Maximum Pool Size=8", smallPool.Pid, path, options.Connections, [Bearer(data.Typical.Key)], pgbench));
}

var report = Report.Create(results, options, database.Description);
Console.WriteLine();
Console.WriteLine(report.Table);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
foreach (var file in new[] { $"{stamp}.json", "latest.json" })
{
    await File.WriteAllTextAsync(Path.Combine(resultsDirectory, file), report.Json);
}

Console.WriteLine($"Results written to bench/results/{stamp}.json and bench/results/latest.json.");
return 0;

static string Bearer(string credential) => $"Authorization: Bearer {credential}";

static async Task<(byte[] Body, string? ETag)> GetAsync(HttpClient client, string key, string? etag)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/settings/providers");
    request.Headers.Authorization = new("Bearer", key);
    using var response = await client.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag?.ToString() ?? etag);
}

static string FindRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ProviderStatus.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("Run the benchmark from the repository.");
}
