using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using ProviderStatus.Api.Cli;
using ProviderStatus.Api.Health;

namespace ProviderStatus.Tests.Hosting;

/// <summary>
/// No Docker engine runs where the tests run, so the Dockerfile and docker-compose.yml are checked
/// against the code instead: paths, project and assembly names, ports, commands and settings.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = FindRoot();
    private static readonly string[] Dockerfile = File.ReadAllLines(Path.Combine(Root, "Dockerfile"));
    private static readonly Dictionary<string, object> Compose = (Dictionary<string, object>)Yaml.Parse(File.ReadAllLines(Path.Combine(Root, "docker-compose.yml")));

    [Fact]
    public void Every_File_The_Dockerfile_Copies_Exists()
    {
        var sources = Dockerfile.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), source));
    }

    [Fact]
    public void The_Image_Publishes_And_Runs_The_Service_Project_As_A_Non_Root_User()
    {
        var publish = Dockerfile.Single(l => l.Contains("dotnet publish", StringComparison.Ordinal));
        var project = Regex.Match(publish, @"(\S+\.csproj)").Groups[1].Value;
        var entrypoint = Dockerfile.Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));

        Assert.True(File.Exists(Path.Combine(Root, project)), project);
        Assert.Contains($"\"{Path.GetFileNameWithoutExtension(project)}.dll\"", entrypoint);
        Assert.Equal("ProviderStatus.Api", typeof(CommandLine).Assembly.GetName().Name);
        Assert.Contains("USER $APP_UID", Dockerfile);
    }

    [Fact]
    public void The_Port_And_Health_Check_Agree_With_The_Service()
    {
        var exposed = Dockerfile.Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))["EXPOSE ".Length..];
        var httpPorts = Dockerfile.Single(l => l.StartsWith("ENV ASPNETCORE_HTTP_PORTS=", StringComparison.Ordinal)).Split('=')[1];
        var healthCheck = string.Join(' ', Dockerfile.SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2));
        var command = JsonSerializer.Deserialize<string[]>(healthCheck[healthCheck.IndexOf('[', StringComparison.Ordinal)..])!;

        Assert.Equal(exposed, httpPorts);
        Assert.Equal(["dotnet", "ProviderStatus.Api.dll", "healthcheck", "--url", $"http://127.0.0.1:{exposed}{HealthApi.LivePath}"], command);
        Assert.True(CommandLine.IsCommand([command[2]]));
        Assert.Equal($"{exposed}:{exposed}", Assert.Single(List(Service("api"), "ports")));
    }

    [Fact]
    public void Compose_Migrates_Once_Before_The_Api_Serves()
    {
        var migrate = Service("migrate");
        var api = Service("api");

        var command = JsonSerializer.Deserialize<string[]>((string)migrate["command"])!;
        Assert.Equal(["migrate"], command);
        Assert.True(CommandLine.IsCommand(command));
        Assert.Equal("service_healthy", Map(Map(migrate, "depends_on"), "postgres")["condition"]);
        Assert.Equal("service_completed_successfully", Map(Map(api, "depends_on"), "migrate")["condition"]);
        Assert.True(int.Parse(((string)api["stop_grace_period"]).TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) > 30,
            "compose must give the service longer than its own 30 s shutdown grace");
    }

    [Fact]
    public void The_Service_Ships_With_Thread_Pool_Spinning_Off()
    {
        // The runtime config that `dotnet ProviderStatus.Api.dll` (and the image) starts with.
        var config = Path.Combine(AppContext.BaseDirectory, "ProviderStatus.Api.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(config));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    [Fact]
    public void Compose_Configures_Only_Settings_The_Service_Has_And_Points_Both_At_The_Same_Database()
    {
        var known = ConfigurationKeys();
        var postgres = Map(Service("postgres"), "environment");
        foreach (var name in new[] { "migrate", "api" })
        {
            var environment = Map(Service(name), "environment");
            foreach (var variable in environment.Keys)
            {
                var key = IndexSuffix().Replace(variable.Replace("__", ":", StringComparison.Ordinal), "");
                Assert.True(known.Contains(key), $"{name}: {variable} is not a setting of the service");
            }

            var connection = new NpgsqlConnectionStringBuilder(Regex.Replace((string)environment["ConnectionStrings__Postgres"], @"\$\{[^}]+\}", "x"));
            Assert.Equal("postgres", connection.Host);
            Assert.Equal(postgres["POSTGRES_DB"], connection.Database);
            Assert.Equal(postgres["POSTGRES_USER"], connection.Username);
        }
    }

    private static Dictionary<string, object> Service(string name) => Map(Map(Compose, "services"), name);

    private static Dictionary<string, object> Map(Dictionary<string, object> map, string key) => (Dictionary<string, object>)map[key];

    private static List<object> List(Dictionary<string, object> map, string key) => (List<object>)map[key];

    /// <summary>Every key of appsettings.json, as configuration spells it (Auth:Jwt:Issuer).</summary>
    private static HashSet<string> ConfigurationKeys()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "src", "ProviderStatus.Api", "appsettings.json")));
        Collect(settings.RootElement, "");
        return keys;

        void Collect(JsonElement element, string prefix)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}");
                }
            }
            else
            {
                keys.Add(prefix);
            }
        }
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ProviderStatus.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }

    [GeneratedRegex(@":\d+$")]
    private static partial Regex IndexSuffix();
}

/// <summary>The YAML that docker-compose.yml uses: nested maps, lists of scalars, comments, quotes.</summary>
internal static class Yaml
{
    public static object Parse(string[] lines)
    {
        var content = lines.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();
        var index = 0;
        return Block(content, ref index, 0);
    }

    private static object Block(List<string> lines, ref int index, int indent)
    {
        if (lines[index].TrimStart().StartsWith("- ", StringComparison.Ordinal))
        {
            var list = new List<object>();
            while (index < lines.Count && Indent(lines[index]) == indent && lines[index].TrimStart().StartsWith("- ", StringComparison.Ordinal))
            {
                list.Add(Scalar(lines[index].TrimStart()[2..]));
                index++;
            }

            return list;
        }

        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        while (index < lines.Count && Indent(lines[index]) == indent)
        {
            var line = lines[index].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (key, value) = (line[..colon], line[(colon + 1)..].Trim());
            index++;
            map[key] = value.Length > 0 ? Scalar(value)
                : index < lines.Count && Indent(lines[index]) > indent ? Block(lines, ref index, Indent(lines[index]))
                : new Dictionary<string, object>();
        }

        return map;
    }

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    private static string Scalar(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
