using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Providers;

public sealed class ProvidersEndpointTests_Sqlite(SqliteAppFixture fixture) : ProvidersEndpointTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class ProvidersEndpointTests_Postgres(PostgresAppFixture fixture) : ProvidersEndpointTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class ProvidersEndpointTests_PostgresMultiplexed(PostgresMultiplexedAppFixture fixture) : ProvidersEndpointTests(fixture), IClassFixture<PostgresMultiplexedAppFixture>;

public abstract class ProvidersEndpointTests(AppFixture fixture)
{
    private static readonly string[] ContractFields =
        ["category", "name", "connected", "account_id", "display_name", "scopes", "connected_at", "last_sync_at", "status", "error_message"];

    [Fact]
    public async Task Lists_A_Connection_With_Exactly_The_Contract_Fields()
    {
        var connectedAt = new DateTimeOffset(2026, 2, 11, 9, 0, 0, TimeSpan.Zero);
        var lastSyncAt = fixture.Clock.GetUtcNow().AddMinutes(-90);
        var key = await fixture.CreateWorkspaceWithKeyAsync(new ConnectionSpec("email", "gmail", "team@emasex.de", connectedAt)
        {
            DisplayName = "Team Mailbox",
            Scopes = ["gmail.readonly", "gmail.send"],
            LastSyncAt = lastSyncAt,
        });

        var response = await fixture.GetProvidersAsync(key);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Private, "the response must be marked private");
        Assert.Contains("Authorization", response.Headers.Vary);
        var expected = JsonNode.Parse($$$"""
            {"data":{"providers":[{
              "category":"email","name":"gmail","connected":true,"account_id":"team@emasex.de",
              "display_name":"Team Mailbox","scopes":["gmail.readonly","gmail.send"],
              "connected_at":"2026-02-11T09:00:00Z","last_sync_at":"{{{lastSyncAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}}",
              "status":"healthy","error_message":null}]}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(body)), body);
        var row = (await Responses.ProvidersAsync(response)).Single();
        Assert.Equal(ContractFields, row.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Absent_Values_Are_Written_As_Null_Not_Omitted()
    {
        var connection = fixture.Connection("billing", "stripe") with { DisplayName = null, LastSyncAt = null };
        var key = await fixture.CreateWorkspaceWithKeyAsync(connection);

        var row = (await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key))).Single();

        Assert.Equal(ContractFields, row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("display_name").ValueKind);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("last_sync_at").ValueKind);
    }

    [Fact]
    public async Task A_Workspace_Without_Connections_Gets_An_Empty_List()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync();

        var response = await fixture.GetProvidersAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"data":{"providers":[]}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rows_Are_Ordered_By_Category_Then_Name_Then_Account()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(
            fixture.Connection("billing", "stripe", "acct_1"),
            fixture.Connection("storage", "onedrive", "b"),
            fixture.Connection("email", "microsoft", "a"),
            fixture.Connection("storage", "dropbox", "z"),
            fixture.Connection("email", "gmail", "b@example.test"),
            fixture.Connection("identity", "okta", "a"),
            fixture.Connection("email", "gmail", "B@example.test"),
            fixture.Connection("calendar", "microsoft", "a"),
            fixture.Connection("channels", "slack", "T1"),
            fixture.Connection("email", "gmail", "a@example.test"),
            fixture.Connection("calendar", "google", "a"),
            fixture.Connection("identity", "google", "a"));

        var rows = await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key));

        Assert.Equal(
            [
                "email/gmail/B@example.test", "email/gmail/a@example.test", "email/gmail/b@example.test", "email/microsoft/a",
                "calendar/google/a", "calendar/microsoft/a", "channels/slack/T1", "identity/google/a", "identity/okta/a",
                "storage/dropbox/z", "storage/onedrive/b", "billing/stripe/acct_1",
            ],
            rows.Select(r => $"{r.GetProperty("category")}/{r.GetProperty("name")}/{r.GetProperty("account_id")}"));
    }

    [Theory]
    [InlineData("email", new[] { "gmail", "microsoft" })]
    [InlineData("calendar", new[] { "google" })]
    [InlineData("channels", new[] { "microsoft_teams", "slack" })]
    [InlineData("identity", new[] { "okta" })]
    [InlineData("storage", new[] { "dropbox", "google_drive" })]
    [InlineData("billing", new string[0])]
    public async Task The_Category_Filter_Returns_Only_That_Category(string category, string[] expectedNames)
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(
            fixture.Connection("email", "gmail"),
            fixture.Connection("email", "microsoft"),
            fixture.Connection("calendar", "google"),
            fixture.Connection("channels", "slack"),
            fixture.Connection("channels", "microsoft_teams"),
            fixture.Connection("identity", "okta"),
            fixture.Connection("storage", "google_drive"),
            fixture.Connection("storage", "dropbox"));

        var rows = await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key, $"?category={category}"));

        Assert.All(rows, r => Assert.Equal(category, r.GetProperty("category").GetString()));
        Assert.Equal(expectedNames, rows.Select(r => r.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("?category=nope", "Unknown category 'nope'")]
    [InlineData("?category=EMAIL", "Unknown category 'EMAIL'")]
    [InlineData("?category=", "Unknown category ''")]
    [InlineData("?category=email%00", "Unknown category 'email\0'")]
    [InlineData("?category=email&category=email", "category may be given once")]
    [InlineData("?category=email&category=calendar", "category may be given once")]
    public async Task An_Unusable_Category_Is_400_Invalid_Parameter_Saying_Why_And_Listing_The_Categories(string query, string problem)
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));

        var response = await fixture.GetProvidersAsync(key, query);

        var error = await Responses.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.Equal($"{problem}: expected one of email, calendar, channels, identity, storage, billing.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_Long_Unknown_Category_Is_Quoted_Only_In_Part()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var category = new string('x', 5000);

        var response = await fixture.GetProvidersAsync(key, $"?category={category}");

        var error = await Responses.AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.Equal($"Unknown category '{category[..200]}…': expected one of email, calendar, channels, identity, storage, billing.",
            error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Each_Status_Rule_Applies_In_Order()
    {
        var now = fixture.Clock.GetUtcNow();
        var disconnectedAt = now.AddDays(-2);
        var lastSyncAt = now.AddHours(-25);
        var neverSyncedSince = now.AddDays(-2);
        var key = await fixture.CreateWorkspaceWithKeyAsync(
            fixture.Connection("email", "gmail", "1-disconnected") with
            {
                DisconnectedAt = disconnectedAt,
                AuthError = "token revoked",
                LastSyncError = "sync failed",
            },
            fixture.Connection("email", "gmail", "2-needs-reauth") with { AuthError = "The grant was revoked.", LastSyncError = "sync failed" },
            fixture.Connection("email", "gmail", "3-sync-failed") with { LastSyncError = "Mailbox quota exceeded." },
            fixture.Connection("email", "gmail", "4-stale") with { LastSyncAt = lastSyncAt },
            fixture.Connection("email", "gmail", "5-never-synced") with { ConnectedAt = neverSyncedSince, LastSyncAt = null },
            fixture.Connection("email", "gmail", "6-new") with { ConnectedAt = now.AddHours(-1), LastSyncAt = null },
            fixture.Connection("email", "gmail", "7-healthy"));

        var rows = (await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key)))
            .Select(r => (
                Status: r.GetProperty("status").GetString(),
                Connected: r.GetProperty("connected").GetBoolean(),
                Error: r.GetProperty("error_message").GetString()))
            .ToArray();

        Assert.Equal(
            [
                ("disconnected", false, $"Disconnected since {disconnectedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}."),
                ("needs_reauth", false, "The grant was revoked."),
                ("degraded", true, "Mailbox quota exceeded."),
                ("degraded", true, $"No successful sync since {lastSyncAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}."),
                ("degraded", true, $"Never synced since it was connected at {neverSyncedSince.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}."),
                ("healthy", true, null),
                ("healthy", true, null),
            ],
            rows);
    }

    [Fact]
    public async Task Staleness_Is_Judged_By_The_Service_Clock()
    {
        var connection = fixture.Connection("calendar", "google") with { LastSyncAt = fixture.Clock.GetUtcNow().AddHours(-23) };
        var key = await fixture.CreateWorkspaceWithKeyAsync(connection);

        var before = (await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key))).Single();
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        var after = (await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key))).Single();

        Assert.Equal("healthy", before.GetProperty("status").GetString());
        Assert.Equal("degraded", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_Caller_Only_Ever_Sees_Its_Own_Workspace()
    {
        var mine = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail", "mine@example.test"));
        var theirs = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail", "theirs@example.test"));
        var key = await fixture.CreateKeyAsync(mine);
        var jwt = Jwts.Create(fixture.Clock, mine, permissions: ["read:settings"]);

        foreach (var credential in new[] { key, jwt })
        {
            foreach (var query in new[] { "", $"?workspace_id={theirs}", $"?workspace={theirs}", $"?category=email&workspace_id={theirs}" })
            {
                var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers" + query, credential, request =>
                {
                    request.Headers.Add("X-Workspace-ID", theirs);
                    request.Headers.Add("Workspace-Id", theirs);
                });

                var rows = await Responses.ProvidersAsync(response);
                Assert.Equal(["mine@example.test"], rows.Select(r => r.GetProperty("account_id").GetString()));
            }
        }
    }
}
