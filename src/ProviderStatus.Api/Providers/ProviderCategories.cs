namespace ProviderStatus.Api.Providers;

/// <summary>The six provider categories, in the order the API lists them.</summary>
internal static class ProviderCategories
{
    public const string Email = "email";
    public const string Calendar = "calendar";
    public const string Channels = "channels";
    public const string Identity = "identity";
    public const string Storage = "storage";
    public const string Billing = "billing";

    /// <summary>All categories in display order; rows of the endpoint are sorted by this order first.</summary>
    public static IReadOnlyList<string> All { get; } = [Email, Calendar, Channels, Identity, Storage, Billing];

    public static string AllAsText { get; } = string.Join(", ", All);

    public static bool IsKnown(string? category) => category is not null && Rank(category) >= 0;

    /// <summary>Position of the category in <see cref="All"/>, or -1 when it is not a category.</summary>
    public static int Rank(string category) => category switch
    {
        Email => 0,
        Calendar => 1,
        Channels => 2,
        Identity => 3,
        Storage => 4,
        Billing => 5,
        _ => -1,
    };
}
