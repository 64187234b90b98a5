using System.Net;
using System.Net.Http.Headers;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Authentication;

/// <summary>
/// A keep-alive connection remembers the key it last presented (<c>PresentedKey</c>); on the real
/// server, what it remembers must never stand in for a different key, nor for the key's current state.
/// </summary>
public sealed class KeysOnOneConnectionTests : IDisposable
{
    private readonly TemporarySqliteFile _sqliteFile = new("conn");

    public void Dispose() => _sqliteFile.Dispose();

    [Fact]
    public async Task Keys_Alternating_On_One_Connection_Are_Each_Judged_As_Themselves_And_A_Revocation_Holds()
    {
        var good = (await AppProcess.RunAsync(Sqlite, "seed-demo")).Stdout.TrimEnd('\n');
        var revoked = (await AppProcess.RunAsync(Sqlite, "keys", "create", "--workspace", "demo")).Stdout.TrimEnd('\n');
        Assert.Equal(0, (await AppProcess.RunAsync(Sqlite, "keys", "revoke", revoked)).ExitCode);
        var malformed = good[..^1] + (good[^1] == 'a' ? 'b' : 'a');

        // Cached lookups go stale at once, so the CLI's revocation below is seen by the next request.
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(Sqlite) { ["Cache__MaxStaleness"] = "00:00:00.001" });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = server.Address };

        var statuses = new List<HttpStatusCode>();
        foreach (var key in new[] { good, good, revoked, good, malformed, good, good })
        {
            statuses.Add(await StatusAsync(http, key));
        }

        Assert.Equal(0, (await AppProcess.RunAsync(Sqlite, "keys", "revoke", good)).ExitCode);
        var afterRevocation = await StatusAsync(http, good);

        HttpStatusCode[] expected =
        [
            HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.Unauthorized,
            HttpStatusCode.OK, HttpStatusCode.OK,
        ];
        Assert.Equal(expected, statuses);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevocation);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/settings/providers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private Dictionary<string, string> Sqlite => _sqliteFile.Environment;
}
