namespace ProviderStatus.Api.Data;

/// <summary>
/// Scopes and permissions are stored as one space-separated string, the form OAuth itself uses
/// (RFC 6749 §3.3: a scope token never contains a space). This keeps one portable column on both
/// PostgreSQL and SQLite.
/// </summary>
internal static class Scopes
{
    public static string Join(IEnumerable<string> scopes) => string.Join(' ', scopes);

    public static string[] Split(string stored) => stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What <see cref="IsValidToken"/> accepts, for error messages.</summary>
    public const string TokenRule = "1–200 printable ASCII characters, without spaces, quotes or backslashes";

    /// <summary>True for a usable scope or permission token: see <see cref="TokenRule"/>.</summary>
    public static bool IsValidToken(string? token) =>
        !string.IsNullOrEmpty(token) && token.Length <= 200 && token.All(c => c is > ' ' and <= '~' and not '"' and not '\\');
}
