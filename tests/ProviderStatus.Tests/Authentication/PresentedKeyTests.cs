using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ProviderStatus.Api.ApiKeys;

namespace ProviderStatus.Tests.Authentication;

public sealed class PresentedKeyTests
{
    private static readonly string KeyA = ApiKeyFormat.Generate();
    private static readonly string KeyB = ApiKeyFormat.Generate();

    [Fact]
    public void A_Well_Formed_Key_Is_Hashed_And_A_Malformed_One_Is_Not()
    {
        var good = PresentedKey.Read(Request($"Bearer {KeyA}"));
        var malformed = PresentedKey.Read(Request($"Bearer {KeyA[..^1]}{(KeyA[^1] == 'a' ? 'b' : 'a')}"));

        Assert.Equal(ApiKeyFormat.Hash(KeyA), good?.Hash);
        Assert.NotNull(malformed);
        Assert.Null(malformed.Hash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")]
    [InlineData("Bearer")]
    public void A_Request_Without_An_Api_Key_Presents_None(string? authorization) => Assert.Null(PresentedKey.Read(Request(authorization)));

    [Fact]
    public void Without_Connection_Items_Every_Request_Is_Read_Afresh()
    {
        var header = $"Bearer {KeyA}";

        Assert.NotSame(PresentedKey.Read(Request(header)), PresentedKey.Read(Request(header)));
    }

    [Fact]
    public void A_Connection_Reads_A_Repeated_Header_Once_And_A_Changed_One_Again()
    {
        var connection = new ConnectionItems();
        var headerA = $"Bearer {KeyA}";
        var headerB = $"Bearer {KeyB}";

        var first = PresentedKey.Read(Request(headerA, connection));
        var repeated = PresentedKey.Read(Request(headerA, connection));
        var other = PresentedKey.Read(Request(headerB, connection));
        var back = PresentedKey.Read(Request(headerA, connection));
        var equalText = PresentedKey.Read(Request(new string(headerA.AsSpan()), connection));

        Assert.Same(first, repeated);
        Assert.Equal(ApiKeyFormat.Hash(KeyB), other?.Hash);
        Assert.Equal(ApiKeyFormat.Hash(KeyA), back?.Hash);
        Assert.NotSame(first, back);
        Assert.Equal(ApiKeyFormat.Hash(KeyA), equalText?.Hash);
    }

    /// <summary>
    /// What the memo relies on: Kestrel hands a keep-alive connection the same string for a header
    /// that repeats byte for byte. If a later Kestrel stops doing so, every request is hashed again:
    /// still right, but this test says the saving is gone.
    /// </summary>
    [Fact]
    public async Task On_Kestrel_A_Keep_Alive_Connection_Presents_A_Repeated_Key_As_The_Same_Instance()
    {
        var seen = new List<PresentedKey?>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.Run(context =>
        {
            lock (seen)
            {
                seen.Add(PresentedKey.Read(context));
            }

            return Task.CompletedTask;
        });
        await app.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri(app.Urls.Single()) };

        foreach (var key in new[] { KeyA, KeyA, KeyB, KeyA })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        Assert.Equal(4, seen.Count);
        Assert.Same(seen[0], seen[1]);
        Assert.Equal(ApiKeyFormat.Hash(KeyB), seen[2]?.Hash);
        Assert.Equal(ApiKeyFormat.Hash(KeyA), seen[3]?.Hash);
    }

    private static DefaultHttpContext Request(string? authorization, ConnectionItems? connection = null)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (connection is not null)
        {
            context.Features.Set<IConnectionItemsFeature>(connection);
        }

        return context;
    }

    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }
}
