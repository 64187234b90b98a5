using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Cli;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Errors;
using ProviderStatus.Api.Health;
using ProviderStatus.Api.Hosting;
using ProviderStatus.Api.Providers;
using ProviderStatus.Api.RateLimiting;

// One host, two uses: with a command (migrate, import, keys, seed-demo) it is the ops CLI; without
// one it serves HTTP. Both run on the same configuration and services.
var isCommand = CommandLine.IsCommand(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = isCommand ? [] : args });
builder.AddSerilogLogging(isCommand);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddRequestContext();
builder.Services.AddApiJson();
builder.Services.AddDatabase();
builder.Services.AddCaching();
builder.Services.AddCallerAuthentication();
builder.Services.AddApiRateLimiting();
builder.Services.AddApiCors();
builder.Services.AddHealth();
builder.Services.AddApiDocument();
builder.Services.AddProviders();

var app = builder.Build();

if (!app.Services.TryValidateConfiguration(Console.Error))
{
    return 1;
}

if (isCommand)
{
    // Disposing the app flushes the command's logs; serving, RunAsync does that on shutdown.
    await using (app)
    {
        return await CommandLine.RunAsync(app.Services, args, Console.Out, Console.Error);
    }
}

app.UseExceptionEnvelope();
app.UseCachedAnswers();
app.UseStatusCodeEnvelope();
app.UseApiDocument();
app.UseRouting();
app.UseAuthentication();
app.UseApiRateLimiting();
app.UseCors();
app.UseAuthorization();

app.MapHealth();
app.MapProviders();

if (!await app.Services.TryMigrateEmbeddedDatabaseAsync(Console.Error))
{
    return 1;
}

await app.RunAsync();
return 0;
