using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Cli;

public sealed class CommandLineTests_Sqlite(SqliteAppFixture fixture) : CommandLineTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class CommandLineTests_Postgres(PostgresAppFixture fixture) : CommandLineTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class CommandLineTests_PostgresMultiplexed(PostgresMultiplexedAppFixture fixture) : CommandLineTests(fixture), IClassFixture<PostgresMultiplexedAppFixture>;

public abstract class CommandLineTests(AppFixture fixture)
{
    [Fact]
    public async Task Keys_Create_Prints_Only_The_New_Key_On_Stdout_And_The_Key_Works()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));

        var result = await fixture.RunCommandAsync("keys", "create", "--workspace", workspace, "--name", "probe");

        Assert.Equal(0, result.ExitCode);
        var key = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(ApiKeyFormat.IsWellFormed(key), key);
        Assert.Contains($"for workspace '{workspace}' (permissions: read:settings; expires: never)", result.Stderr);
        Assert.DoesNotContain(key, result.Stderr);
        Assert.DoesNotContain("warning", result.Stderr);
        Assert.Single(await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key)));
    }

    [Fact]
    public async Task Keys_Create_Takes_Permissions_And_An_Expiry()
    {
        var workspace = await fixture.CreateWorkspaceAsync();
        var expires = fixture.Clock.GetUtcNow().AddDays(30);
        var expiresText = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

        var result = await fixture.RunCommandAsync("keys", "create", "--workspace", workspace,
            "--permission", "read:billing", "--permission=read:settings", $"--expires={expiresText}");
        var list = await fixture.RunCommandAsync("keys", "list", "--workspace", workspace);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"(permissions: read:billing read:settings; expires: {expiresText})", result.Stderr);
        Assert.Contains("warning: 'read:billing' is not a permission this service checks (it checks read:settings).", result.Stderr);
        Assert.DoesNotContain("'read:settings' is not", result.Stderr);
        Assert.Contains($"read:billing read:settings  {fixture.Clock.GetUtcNow().UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}  {expiresText}", list.Stdout);
    }

    [Theory]
    [InlineData(1, "keys", "create", "--workspace", "no-such-workspace")]
    [InlineData(1, "keys", "create", "--workspace", "{workspace}", "--expires", "2020-01-01T00:00:00Z")]
    [InlineData(1, "keys", "create", "--workspace", "{workspace}", "--permission", "read settings")]
    [InlineData(1, "keys", "create", "--workspace", "{workspace}", "--name", "")]
    [InlineData(1, "keys", "create", "--workspace", "{workspace}", "--name", "uptime\nprobe")]
    [InlineData(1, "keys", "create", "--workspace", "{workspace}", "--name", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789x")]
    [InlineData(1, "keys", "list", "--workspace", "no-such-workspace")]
    [InlineData(1, "keys", "revoke", "00000000-0000-0000-0000-000000000000")]
    [InlineData(1, "keys", "revoke", "not-a-key-or-id")]
    [InlineData(2, "keys", "create", "--workspace", "{workspace}", "--expires", "next week")]
    [InlineData(2, "keys", "create", "--workspace", "{workspace}", "--expires", "2027-01-01T00:00:00")]
    [InlineData(2, "keys", "create")]
    [InlineData(2, "keys", "create", "--workspace")]
    [InlineData(2, "keys", "create", "--workspace", "{workspace}", "--workspce", "x")]
    [InlineData(2, "keys", "create", "--workspace", "a", "--workspace", "b")]
    [InlineData(2, "keys", "rotate")]
    [InlineData(2, "keys")]
    [InlineData(2, "keys", "revoke")]
    [InlineData(2, "import")]
    [InlineData(2, "import", "a.json", "b.json")]
    [InlineData(2, "migrate", "--force")]
    [InlineData(2, "seed-demo", "--workspace", "x")]
    [InlineData(2, "key", "list", "--workspace", "x")]
    [InlineData(2, "serve")]
    public async Task A_Command_That_Cannot_Be_Carried_Out_Exits_Non_Zero_With_A_Message(int exitCode, params string[] args)
    {
        var workspace = await fixture.CreateWorkspaceAsync();
        var keysBefore = await fixture.QueryAsync(db => db.ApiKeys.CountAsync());

        var result = await fixture.RunCommandAsync([.. args.Select(a => a.Replace("{workspace}", workspace))]);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: ", result.Stderr);
        if (exitCode == 2)
        {
            Assert.Contains("Usage:", result.Stderr);
        }

        Assert.Equal(keysBefore, await fixture.QueryAsync(db => db.ApiKeys.CountAsync()));
    }

    [Fact]
    public async Task Keys_List_Shows_Everything_But_The_Secret_Including_Use_And_Revocation()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var used = await fixture.CreateKeyAsync(workspace);
        var firstCreated = Text(fixture.Clock.GetUtcNow());
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var revoked = await fixture.CreateKeyAsync(workspace);
        var secondCreated = Text(fixture.Clock.GetUtcNow());
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var usedAt = Text(fixture.Clock.GetUtcNow());
        await fixture.GetProvidersAsync(used);
        var revoke = await fixture.RunCommandAsync("keys", "revoke", revoked);
        await fixture.App.Services.GetRequiredService<KeyUsage>().FlushAsync(CancellationToken.None);

        var list = await fixture.RunCommandAsync("keys", "list", "--workspace", workspace);

        Assert.Equal(0, list.ExitCode);
        var lines = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ID", "NAME", "LAST4", "PERMISSIONS", "CREATED", "EXPIRES", "REVOKED", "LAST", "USED"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain(used, list.Stdout);
        Assert.DoesNotContain(revoked, list.Stdout);
        Assert.Equal(["test", used[^4..], "read:settings", firstCreated, "-", "-", usedAt], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.Equal(["test", revoked[^4..], "read:settings", secondCreated, "-", usedAt, "-"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.Equal("Revoked the given key.\n", revoke.Stdout);
        Assert.DoesNotContain(revoked, revoke.Stdout + revoke.Stderr);
    }

    private static string Text(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

    [Fact]
    public async Task Keys_Revoke_By_Id_Works_Once_And_Says_So_The_Second_Time()
    {
        var workspace = await fixture.CreateWorkspaceAsync();
        var created = await fixture.RunCommandAsync("keys", "create", "--workspace", workspace);
        var key = created.Stdout.Trim();
        var id = created.Stderr.Split(' ')[3];

        var first = await fixture.RunCommandAsync("keys", "revoke", id);
        var second = await fixture.RunCommandAsync("keys", "revoke", id);

        Assert.Equal((0, $"Revoked key {id}.\n"), (first.ExitCode, first.Stdout));
        Assert.Equal((0, $"Key {id} was already revoked.\n"), (second.ExitCode, second.Stdout));
        await Responses.AssertErrorAsync(await fixture.GetProvidersAsync(key), HttpStatusCode.Unauthorized, "invalid_key");
    }

    [Fact]
    public async Task Seed_Demo_Creates_One_Connection_In_Each_Status_And_A_Working_Key()
    {
        var first = await fixture.RunCommandAsync("seed-demo");
        var second = await fixture.RunCommandAsync("seed-demo");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.NotEqual(first.Stdout, second.Stdout);
        var rows = await Responses.ProvidersAsync(await fixture.GetProvidersAsync(first.Stdout.Trim()));
        Assert.Equal(
            ["healthy", "healthy", "degraded", "needs_reauth", "disconnected", "degraded", "healthy"],
            rows.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(
            ["email", "calendar", "channels", "identity", "storage", "storage", "billing"],
            rows.Select(r => r.GetProperty("category").GetString()));
    }

    [Fact]
    public async Task Migrate_On_An_Up_To_Date_Database_Says_So()
    {
        var result = await fixture.RunCommandAsync("migrate");

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith("is up to date.\n", result.Stdout);
        Assert.DoesNotContain("Password", result.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_Prints_The_Usage(string command)
    {
        var result = await fixture.RunCommandAsync(command);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("keys create --workspace <id>", result.Stdout);
    }
}
