using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ProviderStatus.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, started with
/// pg_ctl on a free loopback port, removed when the test process exits. The server binaries come
/// from Debian's postgresql package, which scripts/test.sh installs. initdb refuses to run as
/// root, so as root the cluster runs as the package's 'postgres' user.
/// </summary>
public sealed class PostgresCluster
{
    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(() => StartAsync("shared"));

    private readonly string _binDirectory;
    private int _destroyed;
    private readonly string _dataDirectory;
    private readonly string _root;
    private readonly int _port;
    private readonly string[] _serverSettings;

    private PostgresCluster(string binDirectory, string root, int port, string[] serverSettings)
    {
        _binDirectory = binDirectory;
        _root = root;
        _dataDirectory = Path.Combine(root, "data");
        _port = port;
        _serverSettings = serverSettings;
    }

    /// <summary>The cluster most tests share; each test class creates its own database in it.</summary>
    public static Task<PostgresCluster> Shared => SharedCluster.Value;

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _port,
            Username = "postgres",
            Database = database,
        }.ToString();

    /// <param name="name">Part of the cluster's folder name, to tell clusters apart.</param>
    /// <param name="serverSettings">Extra <c>name=value</c> server settings, such as preloaded libraries.</param>
    public static async Task<PostgresCluster> StartAsync(string name, params string[] serverSettings)
    {
        var binDirectory = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), $"providerstatus-pg-{name}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(root);
        var cluster = new PostgresCluster(binDirectory, root, FreePort(), serverSettings);
        if (RunsAsRoot)
        {
            await cluster.MustSucceedAsync("chown", ["-R", "postgres:postgres", root]);
        }

        // A linguistic default collation, as production clusters usually have (en_US.UTF-8 or ICU),
        // rather than C: the database's own order then differs from the API's ordinal order.
        await cluster.PgAsync("initdb", "-D", cluster._dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US");
        await cluster.StartServerAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DestroyAsync().GetAwaiter().GetResult();
        return cluster;
    }

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"providerstatus_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public Task StartServerAsync() =>
        PgAsync("pg_ctl", "-D", _dataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {_port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
                + string.Concat(_serverSettings.Select(setting => $" -c {setting}")));

    /// <summary>The running server's postmaster process, from the first line of <c>postmaster.pid</c>.</summary>
    public int ServerProcessId =>
        int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    public Task StopServerAsync() => PgAsync("pg_ctl", "-D", _dataDirectory, "-w", "-m", "fast", "stop");

    /// <summary>
    /// Stops the server and deletes its files; once is enough. Fixtures that own a cluster call it
    /// when they are done; the shared one is destroyed when the test process exits.
    /// </summary>
    public async Task DestroyAsync()
    {
        if (Interlocked.Exchange(ref _destroyed, 1) == 1)
        {
            return;
        }

        try
        {
            await PgAsync("pg_ctl", "-D", _dataDirectory, "-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_root, recursive: true);
    }

    private Task PgAsync(string tool, params string[] arguments)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return RunsAsRoot
            ? MustSucceedAsync("runuser", ["-u", "postgres", "--", executable, .. arguments])
            : MustSucceedAsync(executable, arguments);
    }

    private async Task MustSucceedAsync(string fileName, string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(fileName, arguments, workingDirectory: _root);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Stderr}{result.Stdout}");
        }
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static string FindBinDirectory()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. Run the tests with scripts/test.sh, which installs them.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
