using Microsoft.Extensions.Logging.Console;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Cli;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Errors;
using ProviderStatus.Api.Hosting;
using ProviderStatus.Api.Providers;
using ProviderStatus.Api.RateLimiting;

// One host, two uses: with a command (migrate, import, keys, seed-demo) it is the ops CLI; without
// one it serves HTTP. Both run on the same configuration and services.
var isCommand = CommandLine.IsCommand(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = isCommand ? [] : args });
if (isCommand)
{
    // Standard output carries command results (such as a new key); logs go to standard error.
    builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
}

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddApiJson();
builder.Services.AddDatabase();
builder.Services.AddCallerAuthentication();
builder.Services.AddApiRateLimiting();
builder.Services.AddProviders();

var app = builder.Build();

if (isCommand)
{
    return await CommandLine.RunAsync(app.Services, args, Console.Out, Console.Error);
}

app.UseMiddleware<RequestIdMiddleware>();
app.UseErrorEnvelope();
app.UseRouting();
app.UseAuthentication();
app.UseApiRateLimiting();
app.UseAuthorization();

app.MapProviders();

await app.Services.MigrateEmbeddedDatabaseAsync();
await app.RunAsync();
return 0;
