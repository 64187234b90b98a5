using Microsoft.AspNetCore.Authentication.JwtBearer;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Authentication;

/// <summary>
/// Turns a validated JWT into the caller claims every credential yields. The workspace is the
/// <c>workspace_id</c> claim, which must be a workspace id; permissions come from a
/// <c>permissions</c> claim (array or string), a space-separated <c>scope</c> claim, or Microsoft
/// Entra ID's <c>scp</c>.
/// </summary>
/// <remarks>
/// A token whose claim names no workspace could read none, and its claim never reaches the
/// database: PostgreSQL refuses text holding NUL, and such a refusal on the execution that prepares
/// the endpoint's statement leaves Npgsql 10.0.0's connection out of step with the server, failing
/// the next request on it too.
/// </remarks>
internal static class JwtCaller
{
    public static Task ReplacePrincipal(TokenValidatedContext context)
    {
        var token = context.Principal!;
        var workspaceId = token.FindFirst(CallerClaims.WorkspaceId)?.Value;
        var subject = token.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(workspaceId) || string.IsNullOrEmpty(subject))
        {
            context.Fail("The token has no workspace_id or sub claim.");
            return Task.CompletedTask;
        }

        if (!Workspace.IsValidId(workspaceId))
        {
            context.Fail($"The token's workspace_id is not a workspace id ({Workspace.IdRule}).");
            return Task.CompletedTask;
        }

        var permissions = token.FindAll("permissions").Select(c => c.Value)
            .Concat(token.FindAll(c => c.Type is "scope" or "scp")
                .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        context.Principal = CallerClaims.CreatePrincipal(
            context.Scheme.Name, CredentialKinds.Jwt, subject, workspaceId, permissions);
        return Task.CompletedTask;
    }
}
