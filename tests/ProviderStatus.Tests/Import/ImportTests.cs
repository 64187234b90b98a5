using System.Text;
using Microsoft.EntityFrameworkCore;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Import;

public sealed class ImportTests_Sqlite(SqliteAppFixture fixture) : ImportTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class ImportTests_Postgres(PostgresAppFixture fixture) : ImportTests(fixture), IClassFixture<PostgresAppFixture>;

public sealed class ImportTests_PostgresMultiplexed(PostgresMultiplexedAppFixture fixture) : ImportTests(fixture), IClassFixture<PostgresMultiplexedAppFixture>;

public abstract class ImportTests(AppFixture fixture)
{
    private static string NewWorkspaceId() => $"import-{Guid.NewGuid().ToString("N")[..12]}";

    private static string TwoWorkspaces(string first, string second) => $$"""
        {"workspaces":[
          {"id":"{{first}}","name":"Acme GmbH","connections":[
            {"category":"email","name":"gmail","account_id":"team@acme.example","display_name":"Team Mailbox",
             "scopes":["gmail.readonly","gmail.send"],"connected_at":"2026-02-11T09:00:00Z","last_sync_at":"2026-04-17T10:30:00.123456Z",
             "last_sync_error":null,"auth_error":null,"disconnected_at":null},
            {"category":"channels","name":"slack","account_id":"T01234567","display_name":"Acme Eng",
             "scopes":["chat:write"],"connected_at":"2026-02-20T15:00:00+01:00","last_sync_at":null}]},
          {"id":"{{second}}","name":"Globex","connections":[
            {"category":"billing","name":"stripe","account_id":"acct_1","display_name":null,"scopes":[],
             "connected_at":"2026-03-01T00:00:00Z","auth_error":"The Stripe key was rolled."}]}]}
        """;

    [Fact]
    public async Task Importing_The_Same_File_Twice_Changes_Nothing()
    {
        var (first, second) = (NewWorkspaceId(), NewWorkspaceId());
        var json = TwoWorkspaces(first, second);

        var initial = await fixture.ImportFileAsync(json);
        var stored = await SnapshotAsync(first, second);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await fixture.ImportFileAsync(json);

        Assert.Equal(0, initial.ExitCode);
        Assert.Contains("workspaces 2 created, 0 updated; connections 3 created, 0 updated, 0 unchanged", initial.Stdout);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("workspaces 0 created, 0 updated; connections 0 created, 0 updated, 3 unchanged", again.Stdout);
        Assert.Equal(stored, await SnapshotAsync(first, second));
        Assert.Equal(3, stored.Count);
    }

    [Fact]
    public async Task Imported_Values_Are_Stored_As_Given_In_Utc()
    {
        var (first, second) = (NewWorkspaceId(), NewWorkspaceId());
        await fixture.ImportFileAsync(TwoWorkspaces(first, second));

        var slack = await fixture.QueryAsync(db => db.Connections.AsNoTracking().SingleAsync(c => c.WorkspaceId == first && c.AccountId == "T01234567"));
        var gmail = await fixture.QueryAsync(db => db.Connections.AsNoTracking().SingleAsync(c => c.WorkspaceId == first && c.AccountId == "team@acme.example"));

        Assert.Equal(new DateTimeOffset(2026, 2, 20, 14, 0, 0, TimeSpan.Zero), slack.ConnectedAt);
        Assert.Equal(TimeSpan.Zero, slack.ConnectedAt.Offset);
        Assert.Null(slack.LastSyncAt);
        Assert.Equal(new DateTimeOffset(2026, 4, 17, 10, 30, 0, TimeSpan.Zero).AddTicks(1_234_560), gmail.LastSyncAt);
        Assert.Equal("gmail.readonly gmail.send", gmail.Scopes);
        Assert.Equal("Team Mailbox", gmail.DisplayName);
    }

    [Fact]
    public async Task A_Changed_Connection_Is_Updated_In_Place_And_Others_Are_Kept()
    {
        var workspace = NewWorkspaceId();
        var healthy = fixture.Connection("email", "gmail", "a@example.test");
        var other = fixture.Connection("calendar", "google", "a@example.test");
        await fixture.ImportAsync(AppFixture.ImportJson(workspace, [healthy, other]));
        var before = await SnapshotAsync(workspace);
        var key = await fixture.CreateKeyAsync(workspace);

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var result = await fixture.ImportFileAsync(AppFixture.ImportJson(workspace, [healthy with { LastSyncError = "Quota exceeded." }], "Renamed"));
        var after = await SnapshotAsync(workspace);
        var rows = await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key));

        Assert.Contains("workspaces 0 created, 1 updated; connections 0 created, 1 updated, 0 unchanged", result.Stdout);
        Assert.Equal(2, after.Count);
        Assert.Equal(before.Single(r => r.StartsWith("calendar", StringComparison.Ordinal)), after.Single(r => r.StartsWith("calendar", StringComparison.Ordinal)));
        var changed = (Before: before.Single(r => r.StartsWith("email", StringComparison.Ordinal)), After: after.Single(r => r.StartsWith("email", StringComparison.Ordinal)));
        Assert.NotEqual(changed.Before, changed.After);
        Assert.Equal(changed.Before.Split('|')[1], changed.After.Split('|')[1]);
        Assert.Equal(["degraded", "healthy"], rows.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("Renamed", await fixture.QueryAsync(db => db.Workspaces.Where(w => w.Id == workspace).Select(w => w.Name).SingleAsync()));
    }

    public static TheoryData<string, string> InvalidParts() => new()
    {
        { """{"workspaces":[{"id":"ok","name":"Ok","connections":[]},""", "$: not valid JSON" },
        { """[]""", "$: expected an object" },
        { """{"workspace":[]}""", "$.workspace: unknown field" },
        { """{}""", "$.workspaces: required field is missing" },
        { Second("""{"id":"Acme Corp","name":"x","connections":[]}"""), "$.workspaces[1].id: \"Acme Corp\" is not a workspace id" },
        { Second("""{"id":"ok","name":"dup","connections":[]}"""), "$.workspaces[1].id: \"ok\" appears more than once" },
        { Second("""{"id":"x1","connections":[]}"""), "$.workspaces[1].name: required field is missing" },
        { Conn("""{"category":"mail","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].category: \"mail\" is not a category" },
        { Conn("""{"category":"email","name":"slack","account_id":"a","scopes":[],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].name: \"slack\" is not a provider in category email (expected one of gmail, microsoft)" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-30T09:00:00Z"}"""), "$.workspaces[1].connections[0].connected_at: \"2026-02-30T09:00:00Z\" is not an ISO 8601 timestamp" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-11T09:00:00"}"""), "$.workspaces[1].connections[0].connected_at: \"2026-02-11T09:00:00\" is not an ISO 8601 timestamp" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-11T09:00:00Z","last_sync_at":"yesterday"}"""), "$.workspaces[1].connections[0].last_sync_at: \"yesterday\" is not an ISO 8601 timestamp" },
        { Conn("""{"category":"email","name":"gmail","scopes":[],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].account_id: required field is missing" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":null}"""), "$.workspaces[1].connections[0].connected_at: required field is missing or null" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-11T09:00:00Z","last_synced_at":null}"""), "$.workspaces[1].connections[0].last_synced_at: unknown field" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":"gmail.readonly gmail.send","connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].scopes: expected an array" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":["ok","not ok"],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].scopes[1]: \"not ok\" is not a scope" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":["calendar.readonly","kalender.lesen.ü"],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].scopes[1]: \"kalender.lesen.ü\" is not a scope (1–200 printable ASCII characters, without spaces, quotes or backslashes)" },
        { Conn($$"""{"category":"email","name":"gmail","account_id":"a","scopes":["{{new string('s', 201)}}"],"connected_at":"2026-02-11T09:00:00Z"}"""), $"$.workspaces[1].connections[0].scopes[0]: \"{new string('s', 79)}… is not a scope (1–200" },
        { Conn("""{"category":"email","name":"gmail","account_id":"  ","scopes":[],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].account_id: must not be empty" },
        { Conn("""{"category":"email","name":"gmail","account_id":42,"scopes":[],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].account_id: expected a string, found 42" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","account_id":"b","scopes":[],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].account_id: the field appears more than once" },
        { Second("""{"id":"x1","name":"X\u0000Y","connections":[]}"""), "$.workspaces[1].name: \"X\\u0000Y\" contains a control character (U+0000)" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a\tb","scopes":[],"connected_at":"2026-02-11T09:00:00Z"}"""), "$.workspaces[1].connections[0].account_id: \"a\\tb\" contains a control character (U+0009)" },
        { Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-11T09:00:00Z","auth_error":"bad\u0000"}"""), "$.workspaces[1].connections[0].auth_error: \"bad\\u0000\" contains a control character (U+0000)" },
        {
            Conn("""{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-11T09:00:00Z"},{"category":"email","name":"gmail","account_id":"a","scopes":[],"connected_at":"2026-02-12T09:00:00Z"}"""),
            "$.workspaces[1].connections[1]: the same category, name and account_id appear more than once"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidParts))]
    public async Task A_File_With_Any_Invalid_Part_Is_Refused_Whole(string json, string expectedMessage)
    {
        var workspaces = await fixture.QueryAsync(db => db.Workspaces.CountAsync());
        var connections = await fixture.QueryAsync(db => db.Connections.CountAsync());

        var result = await fixture.ImportFileAsync(json);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + expectedMessage, line);
        Assert.Equal(workspaces, await fixture.QueryAsync(db => db.Workspaces.CountAsync()));
        Assert.Equal(connections, await fixture.QueryAsync(db => db.Connections.CountAsync()));
    }

    [Fact]
    public async Task A_File_That_Is_Not_Utf8_Is_Refused_Whole_Naming_Where()
    {
        var workspace = NewWorkspaceId();
        var valid = Encoding.UTF8.GetBytes($$"""{"workspaces":[{"id":"{{workspace}}","name":"Ok","connections":[]},""" + "\n");
        byte[] latin1Name = [.. "{\"id\":\"x1\",\"name\":\"Z"u8, 0xFC, .. "rich\",\"connections\":[]}]}"u8];

        var result = await fixture.ImportFileAsync([.. valid, .. latin1Name]);

        Assert.Equal((1, "", "error: $: not valid UTF-8 (line 2, byte 21)\n"), (result.ExitCode, result.Stdout, result.Stderr));
        Assert.Equal(0, await fixture.QueryAsync(db => db.Workspaces.CountAsync(w => w.Id == workspace)));
    }

    [Fact]
    public async Task A_Byte_Order_Mark_Is_Allowed_And_Error_Texts_May_Span_Lines()
    {
        var workspace = NewWorkspaceId();
        var json = $$"""
            {"workspaces":[{"id":"{{workspace}}","name":"Ok","connections":[{"category":"email","name":"gmail","account_id":"a",
             "scopes":[],"connected_at":"2026-02-11T09:00:00Z","last_sync_error":"IMAP said:\r\n\tNO [AUTHENTICATIONFAILED]"}]}]}
            """;

        var result = await fixture.ImportFileAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("IMAP said:\r\n\tNO [AUTHENTICATIONFAILED]",
            await fixture.QueryAsync(db => db.Connections.Where(c => c.WorkspaceId == workspace).Select(c => c.LastSyncError).SingleAsync()));
    }

    [Fact]
    public async Task A_Missing_File_Is_Refused_With_Exit_Code_1()
    {
        var result = await fixture.RunCommandAsync("import", "/nonexistent/providers.json");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Cannot read '/nonexistent/providers.json'", result.Stderr);
    }

    /// <summary>A file whose first workspace is valid (and must not be written either) and whose second is given.</summary>
    private static string Second(string workspace) =>
        $$"""{"workspaces":[{"id":"ok","name":"Ok","connections":[]},{{workspace}}]}""";

    private static string Conn(string connections) =>
        Second($$"""{"id":"x1","name":"X","connections":[{{connections}}]}""");

    /// <summary>Every stored column of the workspaces' connections, one line per connection.</summary>
    private Task<List<string>> SnapshotAsync(params string[] workspaceIds) =>
        fixture.QueryAsync(async db => (await db.Connections.AsNoTracking().Include(c => c.Provider)
                .Where(c => workspaceIds.Contains(c.WorkspaceId)).ToListAsync())
            .Select(c => string.Join('|', c.Provider.Category, c.Id, c.WorkspaceId, c.Provider.Name, c.AccountId, c.DisplayName, c.Scopes,
                c.ConnectedAt.UtcTicks, c.LastSyncAt?.UtcTicks, c.LastSyncError, c.AuthError, c.DisconnectedAt?.UtcTicks,
                c.CreatedAt.UtcTicks, c.UpdatedAt.UtcTicks))
            .Order(StringComparer.Ordinal)
            .ToList());
}
