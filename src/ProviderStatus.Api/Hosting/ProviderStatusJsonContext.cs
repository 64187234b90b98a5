using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProviderStatus.Api.Errors;
using ProviderStatus.Api.Health;
using ProviderStatus.Api.Providers;

namespace ProviderStatus.Api.Hosting;

/// <summary>Source-generated JSON metadata for everything the API writes.</summary>
[JsonSerializable(typeof(ProvidersResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class ProviderStatusJsonContext : JsonSerializerContext;

/// <summary>
/// The one JSON configuration of the API, used by endpoint results and error responses alike:
/// source-generated metadata, snake_case names, timestamps in <see cref="UtcTimestamp"/> format,
/// nulls written rather than omitted, and no needless escaping of characters such as <c>'</c>
/// (bodies are always <c>application/json</c>, never embedded in HTML).
/// </summary>
internal static class JsonExtensions
{
    /// <summary>
    /// The configuration as options of their own, for code that writes outside an endpoint and has no
    /// use for the request's services (error responses); the framework's JSON options get the same.
    /// </summary>
    public static readonly JsonSerializerOptions ApiOptions = Configure(new JsonSerializerOptions());

    public static IServiceCollection AddApiJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));

    private static JsonSerializerOptions Configure(JsonSerializerOptions json)
    {
        json.TypeInfoResolverChain.Insert(0, ProviderStatusJsonContext.Default);
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        json.Converters.Add(new UtcTimestampJsonConverter());
        json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return json;
    }
}
