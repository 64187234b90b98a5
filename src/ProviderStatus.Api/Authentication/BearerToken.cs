using Microsoft.Net.Http.Headers;

namespace ProviderStatus.Api.Authentication;

/// <summary>
/// The credential of a request, read from its <c>Authorization</c> header only: a key or token in the
/// query string or anywhere else is never looked at.
/// </summary>
internal readonly record struct BearerToken(bool HeaderPresent, string? Token)
{
    private const string Scheme = "Bearer";

    /// <summary>
    /// Reads <c>Authorization: Bearer &lt;token&gt;</c>. A missing header gives
    /// <see cref="HeaderPresent"/> false; a header in any other shape (another scheme, no token,
    /// several values, a token with spaces) gives a null <see cref="Token"/>.
    /// </summary>
    public static BearerToken Read(HttpRequest request)
    {
        var values = request.Headers[HeaderNames.Authorization];
        if (values.Count == 0)
        {
            return default;
        }

        if (values.Count > 1 || values[0] is not { } header)
        {
            return new(true, null);
        }

        var span = header.AsSpan().Trim();
        if (span.Length <= Scheme.Length || !span.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || span[Scheme.Length] != ' ')
        {
            return new(true, null);
        }

        var token = span[Scheme.Length..].TrimStart(' ');
        return token.Length == 0 || token.ContainsAnyInRange('\0', ' ') || token.Contains('\u007f')
            ? new(true, null)
            : new(true, token.ToString());
    }
}
