using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ProviderStatus.Tests.Infrastructure;

/// <summary>Real signed JWTs, as the identity provider would issue them for the settings page.</summary>
public static class Jwts
{
    public static string Create(
        TimeProvider clock,
        string? workspaceId,
        string subject = "user-1",
        string[]? permissions = null,
        string? scope = null,
        string issuer = ProviderStatusApp.JwtIssuer,
        string audience = ProviderStatusApp.JwtAudience,
        string signingKey = ProviderStatusApp.JwtSigningKey,
        TimeSpan? expiresIn = null,
        TimeSpan? notBeforeIn = null,
        SigningCredentials? signingCredentials = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (workspaceId is not null)
        {
            claims["workspace_id"] = workspaceId;
        }

        if (permissions is not null)
        {
            claims["permissions"] = permissions;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now + (notBeforeIn ?? TimeSpan.Zero),
            Expires = now + (expiresIn ?? TimeSpan.FromHours(1)),
            SigningCredentials = signingCredentials
                ?? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public static string CreateUnsigned(TimeProvider clock, string workspaceId)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"sub":"user-1","workspace_id":"{{workspaceId}}","permissions":["read:settings"],"iss":"{{ProviderStatusApp.JwtIssuer}}","aud":"{{ProviderStatusApp.JwtAudience}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}}}""");
        return $"{header}.{payload}.";
    }
}
