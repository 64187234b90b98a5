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
    /// than the answer. Repeats of the same failure are counted rather than written one by one
    /// (see <see cref="RequestLoggingOptions.RepeatWindowSeconds"/>).
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

    /// <summary>
    /// Under <see cref="RequestSummaries.Failures"/>: a failure that repeats one already written in
    /// the same window of this many seconds (same method, path, status and caller) is counted rather
    /// than written, and the count follows in one line when the window ends (see
    /// <see cref="RepeatedFailures"/>). 0 writes every failure.
    /// </summary>
    public int RepeatWindowSeconds { get; set; } = 10;

    internal sealed class Validator : IValidateOptions<RequestLoggingOptions>
    {
        private const int MaxRepeatWindowSeconds = 3600;

        public ValidateOptionsResult Validate(string? name, RequestLoggingOptions options)
        {
            // The binder accepts a number for an enum, so 7 would get this far.
            if (!Enum.IsDefined(options.Summaries))
            {
                return ValidateOptionsResult.Fail($"{Section}:{nameof(Summaries)} must be All, Failures or None.");
            }

            return options.RepeatWindowSeconds is < 0 or > MaxRepeatWindowSeconds
                ? ValidateOptionsResult.Fail($"{Section}:{nameof(RepeatWindowSeconds)} must be between 0 (write every failure) and {MaxRepeatWindowSeconds}.")
                : ValidateOptionsResult.Success;
        }
    }
}
