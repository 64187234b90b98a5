using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Hosting;
using ProviderStatus.Api.Providers;

namespace ProviderStatus.Api.Import;

/// <summary>Why an import file was refused: one line naming the JSON path and the bad value.</summary>
internal sealed class ImportFileException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string JsonPath { get; } = path;
}

/// <summary>
/// Reads the import format (see README, "Import format") and refuses the whole file at its first
/// problem: bytes that are not UTF-8, malformed JSON, an unknown or duplicated field, a missing
/// required field, a control character in a text, an unknown category or provider, a bad timestamp,
/// or the same connection twice.
/// </summary>
internal static partial class ImportFile
{
    private const int MaxNameLength = 200;
    private const int MaxAccountLength = 255;
    private const int MaxErrorLength = 2000;
    private const int MaxShownValueLength = 80;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    private static readonly string[] RootFields = ["workspaces"];
    private static readonly string[] WorkspaceFields = ["id", "name", "connections"];
    private static readonly string[] ConnectionFields =
    [
        "category", "name", "account_id", "display_name", "scopes",
        "connected_at", "last_sync_at", "last_sync_error", "auth_error", "disconnected_at",
    ];

    /// <summary>
    /// The file as it was read: UTF-8, with or without a byte order mark. Bytes that are not UTF-8
    /// refuse the file rather than turning into replacement characters in stored names.
    /// </summary>
    public static ImportDocument Parse(ReadOnlyMemory<byte> file)
    {
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        if (file.Span.StartsWith(byteOrderMark))
        {
            file = file[byteOrderMark.Length..];
        }

        if (!Utf8.IsValid(file.Span))
        {
            throw NotUtf8(file.Span);
        }

        // Parsed in place: the bytes are neither decoded to text nor copied.
        return Read(ParseJson(() => JsonDocument.Parse(file, DocumentOptions)));
    }

    public static ImportDocument Parse(string json) => Read(ParseJson(() => JsonDocument.Parse(json, DocumentOptions)));

    private static ImportFileException NotUtf8(ReadOnlySpan<byte> file)
    {
        var read = 0;
        while (Rune.DecodeFromUtf8(file[read..], out _, out var consumed) == OperationStatus.Done)
        {
            read += consumed;
        }

        var before = file[..read];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return new ImportFileException("$", $"not valid UTF-8 (line {before.Count((byte)'\n') + 1}, byte {read - lineStart + 1})");
    }

    private static JsonDocument ParseJson(Func<JsonDocument> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException e)
        {
            throw new ImportFileException("$", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }

    private static ImportDocument Read(JsonDocument document)
    {
        using (document)
        {
            var root = Fields(document.RootElement, "$", RootFields);
            var workspaces = Array(Required(root, "$", "workspaces"), "$.workspaces");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var result = new List<WorkspaceImport>(workspaces.Count);
            for (var i = 0; i < workspaces.Count; i++)
            {
                var workspace = ParseWorkspace(workspaces[i], $"$.workspaces[{i}]");
                if (!seen.Add(workspace.Id))
                {
                    throw new ImportFileException($"$.workspaces[{i}].id", $"{Show(workspaces[i].GetProperty("id"))} appears more than once in the file");
                }

                result.Add(workspace);
            }

            return new ImportDocument(result);
        }
    }

    private static WorkspaceImport ParseWorkspace(JsonElement element, string path)
    {
        var fields = Fields(element, path, WorkspaceFields);
        var id = RequiredString(fields, path, "id", 64);
        if (!Workspace.IsValidId(id))
        {
            throw new ImportFileException($"{path}.id", $"{Show(fields["id"])} is not a workspace id ({Workspace.IdRule})");
        }

        var name = RequiredString(fields, path, "name", MaxNameLength);
        var connections = Array(Required(fields, path, "connections"), $"{path}.connections");
        var seen = new HashSet<(int, string)>();
        var result = new List<ConnectionImport>(connections.Count);
        for (var j = 0; j < connections.Count; j++)
        {
            var connectionPath = $"{path}.connections[{j}]";
            var connection = ParseConnection(connections[j], connectionPath);
            if (!seen.Add((connection.ProviderId, connection.AccountId)))
            {
                throw new ImportFileException(connectionPath, "the same category, name and account_id appear more than once in this workspace");
            }

            result.Add(connection);
        }

        return new WorkspaceImport(id, name, result);
    }

    private static ConnectionImport ParseConnection(JsonElement element, string path)
    {
        var fields = Fields(element, path, ConnectionFields);
        var category = RequiredString(fields, path, "category", 16);
        if (!ProviderCategories.IsKnown(category))
        {
            throw new ImportFileException($"{path}.category", $"{Show(fields["category"])} is not a category (expected one of {ProviderCategories.AllAsText})");
        }

        var name = RequiredString(fields, path, "name", 32);
        var provider = ProviderCatalog.Find(category, name)
            ?? throw new ImportFileException($"{path}.name", $"{Show(fields["name"])} is not a provider in category {category} (expected one of "
                + string.Join(", ", ProviderCatalog.Entries.Where(p => p.Category == category).Select(p => p.Name)) + ")");

        return new ConnectionImport(
            provider.Id,
            RequiredString(fields, path, "account_id", MaxAccountLength),
            OptionalString(fields, path, "display_name", MaxAccountLength),
            ScopeList(Required(fields, path, "scopes"), $"{path}.scopes"),
            Timestamp(Required(fields, path, "connected_at"), $"{path}.connected_at"),
            OptionalTimestamp(fields, path, "last_sync_at"),
            OptionalString(fields, path, "last_sync_error", MaxErrorLength, multiline: true),
            OptionalString(fields, path, "auth_error", MaxErrorLength, multiline: true),
            OptionalTimestamp(fields, path, "disconnected_at"));
    }

    /// <summary>The object's fields by name, refusing anything but an object of known, unique fields.</summary>
    private static Dictionary<string, JsonElement> Fields(JsonElement element, string path, string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFileException(path, $"expected an object, found {Show(element)}");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var fieldPath = $"{path}.{property.Name}";
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ImportFileException(fieldPath, $"unknown field (expected {string.Join(", ", allowed)})");
            }

            if (!fields.TryAdd(property.Name, property.Value))
            {
                throw new ImportFileException(fieldPath, "the field appears more than once");
            }
        }

        return fields;
    }

    private static JsonElement Required(Dictionary<string, JsonElement> fields, string path, string name) =>
        fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new ImportFileException($"{path}.{name}", "required field is missing or null");

    private static List<JsonElement> Array(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Array
            ? [.. element.EnumerateArray()]
            : throw new ImportFileException(path, $"expected an array, found {Show(element)}");

    private static string RequiredString(Dictionary<string, JsonElement> fields, string path, string name, int maxLength) =>
        String(Required(fields, path, name), $"{path}.{name}", maxLength);

    private static string? OptionalString(Dictionary<string, JsonElement> fields, string path, string name, int maxLength, bool multiline = false) =>
        fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? String(value, $"{path}.{name}", maxLength, multiline)
            : null;

    private static string String(JsonElement element, string path, int maxLength, bool multiline = false)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new ImportFileException(path, $"expected a string, found {Show(element)}");
        }

        var value = element.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ImportFileException(path, "must not be empty (use null for no value where null is allowed)");
        }

        if (value.Length > maxLength)
        {
            throw new ImportFileException(path, $"{Show(element)} is longer than {maxLength} characters");
        }

        // Names are one line; error texts may have several. No text may hold NUL (which PostgreSQL
        // cannot store) or another control character.
        foreach (var c in value)
        {
            if (char.IsControl(c) && !(multiline && c is '\t' or '\n' or '\r'))
            {
                throw new ImportFileException(path, $"{Show(element)} contains a control character (U+{(int)c:X4})");
            }
        }

        return value;
    }

    private static DateTimeOffset? OptionalTimestamp(Dictionary<string, JsonElement> fields, string path, string name) =>
        fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? Timestamp(value, $"{path}.{name}")
            : null;

    private static DateTimeOffset Timestamp(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String && UtcTimestamp.TryParse(element.GetString(), out var value)
            ? value
            : throw new ImportFileException(path, $"{Show(element)} is not an ISO 8601 timestamp with an offset, such as 2026-02-11T09:00:00Z");

    private static List<string> ScopeList(JsonElement element, string path)
    {
        var items = Array(element, path);
        var scopes = new List<string>(items.Count);
        for (var k = 0; k < items.Count; k++)
        {
            var scope = items[k].ValueKind == JsonValueKind.String ? items[k].GetString() : null;
            if (!Scopes.IsValidToken(scope))
            {
                throw new ImportFileException($"{path}[{k}]", $"{Show(items[k])} is not a scope ({Scopes.TokenRule})");
            }

            if (!scopes.Contains(scope!, StringComparer.Ordinal))
            {
                scopes.Add(scope!);
            }
        }

        return scopes;
    }

    /// <summary>The value as JSON on one line, shortened: safe to put in a one-line message.</summary>
    private static string Show(JsonElement element)
    {
        var text = WhiteSpace().Replace(element.GetRawText(), " ");
        return text.Length <= MaxShownValueLength ? text : text[..MaxShownValueLength] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
