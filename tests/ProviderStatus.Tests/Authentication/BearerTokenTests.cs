using Microsoft.AspNetCore.Http;
using ProviderStatus.Api.Authentication;

namespace ProviderStatus.Tests.Authentication;

public sealed class BearerTokenTests
{
    private static BearerToken Read(params string[] authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization.Length > 0)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return BearerToken.Read(context.Request);
    }

    [Fact]
    public void Without_A_Header_There_Is_No_Credential() => Assert.Equal(new BearerToken(false, null), Read());

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc", "abc")]
    [InlineData("Bearer    abc   ", "abc")]
    [InlineData("Bearer eyJ.eyJ.sig-_=", "eyJ.eyJ.sig-_=")]
    public void A_Bearer_Header_Yields_Its_Token(string header, string token) => Assert.Equal(new BearerToken(true, token), Read(header));

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer a b")]
    [InlineData("Bearer\tabc")]
    [InlineData("Basic abc")]
    [InlineData("Bearerabc")]
    [InlineData("abc")]
    public void Any_Other_Shape_Is_A_Present_But_Unusable_Credential(string header) => Assert.Equal(new BearerToken(true, null), Read(header));

    [Fact]
    public void Two_Authorization_Headers_Are_Refused() => Assert.Equal(new BearerToken(true, null), Read("Bearer a", "Bearer b"));
}
