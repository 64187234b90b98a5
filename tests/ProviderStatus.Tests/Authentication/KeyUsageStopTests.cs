using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Data;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Authentication;

/// <summary>The final write of when keys were last used, as the host stops (an app of its own: this stops it).</summary>
public sealed class KeyUsageStopTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    [Fact]
    public async Task Stopping_Twice_At_Once_Makes_One_Final_Write_That_Both_Wait_For()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace);
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);
        var usage = fixture.App.Services.GetRequiredService<KeyUsage>();

        // As under WebApplicationFactory, where the factory and the Program's RunAsync both stop the
        // host: the one that finishes first disposes the services, so neither may finish early.
        var first = usage.StopAsync(CancellationToken.None);
        var second = usage.StopAsync(CancellationToken.None);

        Assert.Same(first, second);
        await first;
        await using var db = await fixture.App.Services.GetRequiredService<IDbContextFactory<ProviderStatusDbContext>>().CreateDbContextAsync();
        var lastUsed = await db.ApiKeys.Where(k => k.WorkspaceId == workspace).Select(k => k.LastUsedAt).SingleAsync();
        Assert.Equal(fixture.Clock.GetUtcNow().ToUnixTimeSeconds(), lastUsed?.ToUnixTimeSeconds());
    }
}
