using System.Globalization;
using System.Net;
using System.Text.Json;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

/// <summary>The OpenAPI document against the service's real answers, so that the two cannot drift.</summary>
public sealed class OpenApiTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private static readonly string[] RateLimitAndRequestIdHeaders = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-ID"];

    [Fact]
    public async Task The_Document_Describes_Parameter_Responses_Headers_And_Security()
    {
        using var document = await DocumentAsync();
        var operation = Operation(document.RootElement);

        // HEAD is served too, but the document describes GET only.
        Assert.Equal(["get"], document.RootElement.GetProperty("paths").GetProperty("/v1/settings/providers").EnumerateObject().Select(o => o.Name));

        var category = operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "category");
        Assert.Equal("query", category.GetProperty("in").GetString());
        Assert.False(category.TryGetProperty("required", out var required) && required.GetBoolean());
        Assert.Equal("string", category.GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal(["email", "calendar", "channels", "identity", "storage", "billing"],
            category.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));

        var responses = operation.GetProperty("responses");
        Assert.Equal(["200", "304", "400", "401", "403", "429", "503"], responses.EnumerateObject().Select(r => r.Name));
        foreach (var response in responses.EnumerateObject())
        {
            var headers = response.Value.GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
            Assert.Superset(RateLimitAndRequestIdHeaders.ToHashSet(), headers.ToHashSet());
            Assert.Equal(response.Name is "429" or "503", headers.Contains("Retry-After"));
            Assert.Equal(response.Name is "200" or "304", headers.Contains("ETag"));
            if (response.Name == "304")
            {
                Assert.False(response.Value.TryGetProperty("content", out _));
                continue;
            }

            var schemaReference = response.Value.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
            Assert.Equal(response.Name == "200" ? "#/components/schemas/ProvidersResponse" : "#/components/schemas/ErrorResponse", schemaReference);
        }

        var ifNoneMatch = operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "If-None-Match");
        Assert.Equal("header", ifNoneMatch.GetProperty("in").GetString());

        Assert.Equal(["ApiKey", "Jwt"], operation.GetProperty("security").EnumerateArray().Select(r => r.EnumerateObject().Single().Name));
        foreach (var scheme in document.RootElement.GetProperty("components").GetProperty("securitySchemes").EnumerateObject())
        {
            Assert.Equal("http", scheme.Value.GetProperty("type").GetString());
            Assert.Equal("bearer", scheme.Value.GetProperty("scheme").GetString());
        }
    }

    [Fact]
    public async Task Real_Responses_Match_The_Documented_Schemas_And_Headers()
    {
        using var document = await DocumentAsync();
        var responses = Operation(document.RootElement).GetProperty("responses");
        var now = fixture.Clock.GetUtcNow();
        var workspace = await fixture.CreateWorkspaceAsync(
            fixture.Connection("email", "gmail") with { DisplayName = null, LastSyncAt = null, ConnectedAt = now.AddDays(-3) },
            fixture.Connection("channels", "slack") with { LastSyncError = "failed" },
            fixture.Connection("identity", "okta") with { AuthError = "revoked" },
            fixture.Connection("storage", "dropbox") with { DisconnectedAt = now.AddDays(-1) },
            fixture.Connection("billing", "stripe"));
        var key = await fixture.CreateKeyAsync(workspace);
        var billingOnly = await fixture.CreateKeyAsync(workspace, permissions: ["read:billing"]);

        var real = new (string Status, HttpResponseMessage Response)[]
        {
            ("200", await fixture.GetProvidersAsync(key)),
            ("400", await fixture.GetProvidersAsync(key, "?category=mail")),
            ("401", await fixture.GetProvidersAsync(credential: null)),
            ("403", await fixture.GetProvidersAsync(billingOnly)),
        };

        foreach (var (status, response) in real)
        {
            Assert.Equal(status, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            var documented = responses.GetProperty(status);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var errors = new List<string>();
            SchemaCheck.Validate(body.RootElement, documented.GetProperty("content").GetProperty("application/json").GetProperty("schema"),
                document.RootElement, "$", errors);
            Assert.True(errors.Count == 0, $"{status}: {string.Join("; ", errors)}");

            foreach (var header in documented.GetProperty("headers").EnumerateObject().Where(h => h.Name != "Retry-After"))
            {
                Assert.True(response.Headers.Contains(header.Name), $"{status} lacks the documented {header.Name} header");
            }
        }

        using var ok = JsonDocument.Parse(await real[0].Response.Content.ReadAsStringAsync());
        Assert.Equal(5, ok.RootElement.GetProperty("data").GetProperty("providers").GetArrayLength());
    }

    [Fact]
    public async Task Swagger_Ui_Is_Served_At_Swagger()
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/swagger/index.html", credential: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json", credential: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JsonElement Operation(JsonElement document) =>
        document.GetProperty("paths").GetProperty("/v1/settings/providers").GetProperty("get");
}

/// <summary>
/// Checks a JSON value against an OpenAPI 3.0 schema: $ref, type and nullable, enum, date-time,
/// required properties, no undocumented properties, array items. Enough for this API's documents.
/// </summary>
internal static class SchemaCheck
{
    public static void Validate(JsonElement value, JsonElement schema, JsonElement document, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            Validate(value, document.GetProperty("components").GetProperty("schemas").GetProperty(name), document, path, errors);
            return;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!(schema.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean()))
            {
                errors.Add($"{path} is null but not nullable");
            }

            return;
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        var kindMatches = type switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "integer" or "number" => value.ValueKind == JsonValueKind.Number,
            _ => true,
        };
        if (!kindMatches)
        {
            errors.Add($"{path} is {value.ValueKind}, documented as {type}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.GetRawText() == value.GetRawText()))
        {
            errors.Add($"{path} = {value.GetRawText()} is not in the documented enum");
        }

        if (schema.TryGetProperty("format", out var format) && format.GetString() == "date-time"
            && !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
        {
            errors.Add($"{path} = {value.GetRawText()} is not a date-time");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema.TryGetProperty("properties", out var p) ? p : default;
            foreach (var required in schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!) : [])
            {
                if (!value.TryGetProperty(required, out _))
                {
                    errors.Add($"{path}.{required} is required but missing");
                }
            }

            foreach (var property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                {
                    Validate(property.Value, propertySchema, document, $"{path}.{property.Name}", errors);
                }
                else
                {
                    errors.Add($"{path}.{property.Name} is not documented");
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Validate(item, items, document, $"{path}[{index++}]", errors);
            }
        }
    }
}
