using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ProviderStatus.Api.ApiKeys;

/// <summary>
/// API keys look like <c>wbk_</c> + 22 random base62 characters (131 bits) + a 6-character base62
/// CRC32 of everything before it. The checksum lets the service refuse a mistyped or made-up key
/// without touching the database, and lets secret scanners recognise real keys.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "wbk_";
    public const int Length = 32;
    private const int SecretLength = 22;
    private const int ChecksumLength = 6;
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<char> Base62Characters = SearchValues.Create(Base62);
    private static readonly uint[] Crc32Table = BuildCrc32Table();

    public static string Generate()
    {
        Span<char> key = stackalloc char[Length];
        Prefix.CopyTo(key);
        RandomNumberGenerator.GetItems(Base62, key.Slice(Prefix.Length, SecretLength));
        WriteChecksum(key[..^ChecksumLength], key[^ChecksumLength..]);
        return new string(key);
    }

    /// <summary>True when <paramref name="key"/> has the shape and a matching checksum of a key this service issues.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal)
            || key[Prefix.Length..].ContainsAnyExcept(Base62Characters))
        {
            return false;
        }

        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(key[..^ChecksumLength], expected);
        return expected.SequenceEqual(key[^ChecksumLength..]);
    }

    /// <summary>The SHA-256 of the key: the only form in which a key is stored.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.ASCII.GetBytes(key));

    public static string LastFour(string key) => key[^4..];

    private static void WriteChecksum(ReadOnlySpan<char> body, Span<char> destination)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var c in body)
        {
            crc = Crc32Table[(crc ^ (byte)c) & 0xFF] ^ (crc >> 8);
        }

        var value = ~crc;
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Base62[(int)(value % 62)];
            value /= 62;
        }
    }

    private static uint[] BuildCrc32Table()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
