namespace ProviderStatus.Tests.Infrastructure;

/// <summary>
/// An embedded database file of the test's own, for the service and the CLI run as processes:
/// <see cref="Environment"/> points them at it, and disposing deletes it with its WAL files.
/// </summary>
public sealed class TemporarySqliteFile(string name) : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"providerstatus-{name}-{Guid.NewGuid():N}.db");

    /// <summary>A new copy each time, so a test can add its own settings.</summary>
    public Dictionary<string, string> Environment => new() { ["ConnectionStrings__Sqlite"] = $"Data Source={Path}" };

    public void Dispose() => Delete(Path);

    /// <summary>Deletes a SQLite database file and the WAL files beside it.</summary>
    public static void Delete(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
