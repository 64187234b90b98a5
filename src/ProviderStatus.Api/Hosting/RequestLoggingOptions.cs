using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.Hosting;

/// <summary>Which requests end with a summary line (<see cref="RequestLoggingMiddleware"/>).</summary>
internal enum RequestSummaries
{
    /// <summary>Every request: an access log, at up to a fifth of a cached request's CPU.</summary>
    All,

    /// <summary>
    /// Requests answered with 400 or above: errors and refused credentials, not a probe's 200s and
    /// 304s. The default: probes poll all day, and a line for each of their answers would cost more
    /// than the answer.
    /// </summary>
    Failures,

    /// <summary>None. Lines logged while handling a request still carry its id.</summary>
    None,
}

/// <summary>Configuration section <c>RequestLogging</c>.</summary>
internal sealed class RequestLoggingOptions
{
    public const string Section = "RequestLogging";

    public RequestSummaries Summaries { get; set; } = RequestSummaries.Failures;

    internal sealed class Validator : IValidateOptions<RequestLoggingOptions>
    {
        // The binder accepts a number for an enum, so 7 would get this far.
        public ValidateOptionsResult Validate(string? name, RequestLoggingOptions options) =>
            Enum.IsDefined(options.Summaries)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{Section}:{nameof(Summaries)} must be All, Failures or None.");
    }
}
