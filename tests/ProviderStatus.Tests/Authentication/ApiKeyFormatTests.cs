using ProviderStatus.Api.ApiKeys;

namespace ProviderStatus.Tests.Authentication;

public sealed class ApiKeyFormatTests
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A key issued by an earlier build: changing the format would lock out every issued key.</summary>
    private const string IssuedKey = "wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg";

    [Fact]
    public void Keys_Issued_Before_Stay_Well_Formed() => Assert.True(ApiKeyFormat.IsWellFormed(IssuedKey));

    [Fact]
    public void Generated_Keys_Have_The_Prefix_Base62_Body_And_A_Valid_Checksum()
    {
        var keys = Enumerable.Range(0, 2000).Select(_ => ApiKeyFormat.Generate()).ToList();

        Assert.All(keys, key =>
        {
            Assert.Equal(32, key.Length);
            Assert.StartsWith("wbk_", key, StringComparison.Ordinal);
            Assert.All(key[4..], c => Assert.Contains(c, Base62));
            Assert.True(ApiKeyFormat.IsWellFormed(key), key);
        });
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Every_Single_Character_Mistake_Is_Caught_By_The_Checksum()
    {
        for (var position = 4; position < IssuedKey.Length; position++)
        {
            foreach (var replacement in Base62.Where(c => c != IssuedKey[position]))
            {
                var mistyped = IssuedKey[..position] + replacement + IssuedKey[(position + 1)..];
                Assert.False(ApiKeyFormat.IsWellFormed(mistyped), mistyped);
            }
        }
    }

    [Fact]
    public void Swapped_Neighbouring_Characters_Are_Caught_By_The_Checksum()
    {
        for (var position = 4; position < IssuedKey.Length - 1; position++)
        {
            if (IssuedKey[position] != IssuedKey[position + 1])
            {
                var swapped = IssuedKey[..position] + IssuedKey[position + 1] + IssuedKey[position] + IssuedKey[(position + 2)..];
                Assert.False(ApiKeyFormat.IsWellFormed(swapped), swapped);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("wbk_")]
    [InlineData("WBK_5qZKIHUk6F60N21NN0lDtJ1PbpWg")]
    [InlineData("wbx_5qZKIHUk6F60N21NN0lDtJ1PbpWg")]
    [InlineData("wbk_5qZKIHUk6F60N21NN0lDtJ1PbpW")]
    [InlineData("wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWgg")]
    [InlineData("wbk_5qZKIHUk6F60N21NN0lDtJ1Pb-Wg")]
    [InlineData(" wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg")]
    public void Anything_But_A_Whole_Key_Is_Refused(string candidate) => Assert.False(ApiKeyFormat.IsWellFormed(candidate));

    [Fact]
    public void Only_A_Sha256_Hash_And_The_Last_Four_Characters_Are_Kept()
    {
        Assert.Equal(32, ApiKeyFormat.Hash(IssuedKey).Length);
        Assert.NotEqual(ApiKeyFormat.Hash(IssuedKey), ApiKeyFormat.Hash(ApiKeyFormat.Generate()));
        Assert.Equal("bpWg", ApiKeyFormat.LastFour(IssuedKey));
    }
}
