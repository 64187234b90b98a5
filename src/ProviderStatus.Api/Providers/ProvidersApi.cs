using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Errors;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Providers;

internal static class ProvidersApi
{
    public static RouteGroupBuilder MapProviders(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/settings").RequirePermission(Permissions.ReadSettings).WithTags("Providers");
        group.MapGet("/providers", ListProviders)
            .WithName("ListProviders")
            .WithSummary("List the workspace's provider connections")
            .WithDescription("Every provider connection of the caller's workspace with its health, optionally for one category. " +
                "Needs the read:settings permission.")
            .WithMetadata(new AllowedQueryValues("category", ProviderCategories.All))
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorResponse>(StatusCodes.Status403Forbidden)
            .Produces<ErrorResponse>(StatusCodes.Status429TooManyRequests)
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>
    /// Lists the caller's provider connections. The workspace comes from the credential alone: no
    /// query parameter or header can point the request at another workspace.
    /// </summary>
    internal static async Task<Results<Ok<ProvidersResponse>, ErrorResult>> ListProviders(
        string? category,
        ClaimsPrincipal user,
        HttpContext context,
        ProviderRepository repository,
        TimeProvider clock,
        IOptions<StatusOptions> statusOptions,
        CancellationToken cancellationToken)
    {
        if (category is not null && !ProviderCategories.IsKnown(category))
        {
            return ApiError.Result(StatusCodes.Status400BadRequest, ErrorCodes.InvalidParameter,
                $"Unknown category '{category}': expected one of {ProviderCategories.AllAsText}.");
        }

        var rows = await repository.ListAsync(user.GetWorkspaceId(), category, cancellationToken);
        var now = clock.GetUtcNow();
        var staleAfter = statusOptions.Value.StaleAfter;
        var providers = rows.ConvertAll(row => ToItem(row, now, staleAfter));

        // Private to the caller: shared caches must not store it, and browsers must revalidate.
        context.Response.Headers.CacheControl = "private, no-cache";
        context.Response.Headers.Vary = "Authorization";
        return TypedResults.Ok(new ProvidersResponse(new ProvidersData(providers)));
    }

    private static ProviderStatusItem ToItem(ConnectionRow row, DateTimeOffset now, TimeSpan staleAfter)
    {
        var health = ProviderStatusRules.Evaluate(row.Facts, now, staleAfter);
        return new ProviderStatusItem(
            row.Category,
            row.Name,
            health.Connected,
            row.AccountId,
            row.DisplayName,
            Scopes.Split(row.Scopes),
            row.Facts.ConnectedAt,
            row.Facts.LastSyncAt,
            health.Status,
            health.ErrorMessage);
    }
}
