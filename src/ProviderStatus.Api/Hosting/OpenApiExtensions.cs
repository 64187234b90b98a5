using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using ProviderStatus.Api.RateLimiting;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ProviderStatus.Api.Hosting;

/// <summary>Endpoint metadata: the values a query parameter accepts, shown as its enum in the document.</summary>
internal sealed record AllowedQueryValues(string Parameter, IReadOnlyList<string> Values);

internal static class OpenApiExtensions
{
    public const string ApiKeyScheme = "ApiKey";
    public const string JwtScheme = "Jwt";

    /// <summary>
    /// The OpenAPI document at <c>/swagger/v1/swagger.json</c>, generated from the endpoints and the
    /// response types themselves; <see cref="ApiOperationFilter"/> adds what the types cannot say.
    /// </summary>
    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "ProviderStatus",
                Version = "v1",
                Description = "Which integrations are connected to a workspace, and whether each one is healthy.",
            });
            options.SupportNonNullableReferenceTypes();
            options.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "wbk_ API key",
                Description = "An API key: Authorization: Bearer wbk_…",
            });
            options.AddSecurityDefinition(JwtScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the identity provider, with workspace_id and permissions (or scope) claims.",
            });
            options.OperationFilter<ApiOperationFilter>();
            options.SchemaFilter<AlwaysPresentPropertiesSchemaFilter>();
        });
        return services;
    }

    /// <summary>
    /// The document, and Swagger UI at <c>/swagger</c>; their middleware only sees requests under
    /// <c>/swagger</c>, so the API's requests do not pay for it.
    /// </summary>
    public static IApplicationBuilder UseApiDocument(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger =>
        {
            swagger.UseSwagger();
            swagger.UseSwaggerUI(options => options.SwaggerEndpoint("/swagger/v1/swagger.json", "ProviderStatus v1"));
        });

    /// <summary>
    /// Adds to each API operation: both bearer schemes where authorization is required, the headers
    /// every <c>/v1</c> response carries, Retry-After, WWW-Authenticate and ETag where they apply, and
    /// the enum of a query parameter whose values the endpoint declares.
    /// </summary>
    private sealed class ApiOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] });
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(JwtScheme, context.Document)] = [] });
            }

            foreach (var allowed in metadata.OfType<AllowedQueryValues>())
            {
                if (operation.Parameters?.FirstOrDefault(p => p.Name == allowed.Parameter) is OpenApiParameter { Schema: OpenApiSchema schema } parameter)
                {
                    schema.Enum = [.. allowed.Values.Select(v => (JsonNode)JsonValue.Create(v))];
                    parameter.Description ??= $"One of {string.Join(", ", allowed.Values)}; anything else is 400 invalid_parameter.";
                }
            }

            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (response is not OpenApiResponse concrete)
                {
                    continue;
                }

                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers[RequestQuota.LimitHeader] = Header(JsonSchemaType.Integer, "Requests allowed per window.");
                concrete.Headers[RequestQuota.RemainingHeader] = Header(JsonSchemaType.Integer, "Requests left in the current window.");
                concrete.Headers[RequestQuota.ResetHeader] = Header(JsonSchemaType.Integer, "End of the current window, Unix epoch seconds.");
                concrete.Headers[RequestIdMiddleware.HeaderName] = Header(JsonSchemaType.String, "The request's id, also in error bodies.");
                if (status is "429" or "503")
                {
                    concrete.Headers["Retry-After"] = Header(JsonSchemaType.Integer, "Seconds to wait before retrying.");
                }

                if (status is "401" or "403")
                {
                    concrete.Headers["WWW-Authenticate"] = Header(JsonSchemaType.String, "The bearer challenge.");
                }

                if (status is "200" or "304" && operation.Responses!.ContainsKey("304"))
                {
                    concrete.Headers["ETag"] = Header(JsonSchemaType.String, "Strong validator of the body; send it back in If-None-Match.");
                }
            }
        }

        private static OpenApiHeader Header(JsonSchemaType type, string description) =>
            new() { Description = description, Schema = new OpenApiSchema { Type = type } };
    }

    /// <summary>
    /// The service writes every property of its response types, null or not, so every property of
    /// those schemas is required (a nullable one is required and may be null).
    /// </summary>
    private sealed class AlwaysPresentPropertiesSchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is OpenApiSchema { Properties.Count: > 0 } concrete && context.Type.Assembly == typeof(OpenApiExtensions).Assembly)
            {
                concrete.Required = new SortedSet<string>(concrete.Properties.Keys, StringComparer.Ordinal);
            }
        }
    }
}
