using System.Runtime.ExceptionServices;

namespace ProviderStatus.Api.Authentication;

/// <summary>
/// A request whose credential could not be checked because the database was unavailable. The
/// authentication handler records it instead of throwing, so that the request passes the rate
/// limiter like any other unauthenticated one; the limiter then rethrows it.
/// </summary>
internal sealed class AuthenticationUnavailable(ExceptionDispatchInfo failure)
{
    private readonly ExceptionDispatchInfo _failure = failure;

    public static void Record(HttpContext context, Exception exception) =>
        context.Features.Set(new AuthenticationUnavailable(ExceptionDispatchInfo.Capture(exception)));

    public static void ThrowIfRecorded(HttpContext context) => context.Features.Get<AuthenticationUnavailable>()?._failure.Throw();
}
