using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Cli;

internal static class KeysCommand
{
    public static async Task<int> RunAsync(CommandContext context, CommandArguments arguments)
    {
        var action = arguments.Positional("the keys action (create, list or revoke)");
        return action switch
        {
            "create" => await CreateAsync(context, arguments),
            "list" => await ListAsync(context, arguments),
            "revoke" => await RevokeAsync(context, arguments),
            _ => throw new UsageException($"Unknown keys action '{action}': expected create, list or revoke."),
        };
    }

    private static async Task<int> CreateAsync(CommandContext context, CommandArguments arguments)
    {
        var workspace = arguments.RequiredOption("--workspace");
        var name = arguments.Option("--name");
        var permissions = arguments.Options("--permission");
        var expiresText = arguments.Option("--expires");
        arguments.EnsureNoneLeft();

        DateTimeOffset? expires = null;
        if (expiresText is not null)
        {
            expires = UtcTimestamp.TryParse(expiresText, out var parsed)
                ? parsed
                : throw new UsageException($"--expires '{expiresText}' is not an ISO 8601 timestamp with an offset, such as 2027-01-01T00:00:00Z.");
        }

        var created = await context.Get<ApiKeyService>().CreateAsync(
            workspace, name, permissions.Count == 0 ? [Permissions.ReadSettings] : permissions, expires, context.CancellationToken);
        await context.Out.WriteLineAsync(created.Secret);
        var key = created.Record;
        await context.Error.WriteLineAsync(
            $"Created API key {key.Id} for workspace '{key.WorkspaceId}' (permissions: {key.Permissions}; " +
            $"expires: {(key.ExpiresAt is { } at ? UtcTimestamp.ToText(at) : "never")}). " +
            "The key is shown only this once: store it now.");

        // Allowed, so that keys can be minted ahead of a release that checks a new permission, but
        // most often a misspelling.
        foreach (var unknown in permissions.Where(p => !Permissions.IsKnown(p)).Distinct(StringComparer.Ordinal))
        {
            await context.Error.WriteLineAsync(
                $"warning: '{unknown}' is not a permission this service checks (it checks {Permissions.AllAsText}).");
        }

        return CommandLine.Success;
    }

    private static async Task<int> ListAsync(CommandContext context, CommandArguments arguments)
    {
        var workspace = arguments.RequiredOption("--workspace");
        arguments.EnsureNoneLeft();

        var keys = await context.Get<ApiKeyService>().ListAsync(workspace, context.CancellationToken);
        string[] header = ["ID", "NAME", "LAST4", "PERMISSIONS", "CREATED", "EXPIRES", "REVOKED", "LAST USED"];
        var rows = keys.Select(k => new[]
        {
            k.Id.ToString(), k.Name ?? "-", k.LastFour, k.Permissions, UtcTimestamp.ToText(k.CreatedAt),
            Optional(k.ExpiresAt), Optional(k.RevokedAt), Optional(k.LastUsedAt),
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            await context.Out.WriteLineAsync(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        return CommandLine.Success;
    }

    private static async Task<int> RevokeAsync(CommandContext context, CommandArguments arguments)
    {
        var idOrKey = arguments.Positional("the key id or the key to revoke");
        arguments.EnsureNoneLeft();

        var outcome = await context.Get<ApiKeyService>().RevokeAsync(idOrKey, context.CancellationToken);

        // Never repeat a key in a message: it may be a live secret.
        var what = idOrKey.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal) ? "the given key" : $"key {idOrKey}";
        switch (outcome)
        {
            case RevokeOutcome.Revoked:
                await context.Out.WriteLineAsync($"Revoked {what}.");
                return CommandLine.Success;
            case RevokeOutcome.AlreadyRevoked:
                await context.Out.WriteLineAsync($"{char.ToUpperInvariant(what[0])}{what[1..]} was already revoked.");
                return CommandLine.Success;
            default:
                throw new CommandException($"No API key matches {what}.");
        }
    }

    private static string Optional(DateTimeOffset? value) => value is { } at ? UtcTimestamp.ToText(at) : "-";
}
