using System.Data.Common;

namespace ProviderStatus.Api.Data;

internal static class DatabaseFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> means the database cannot be used right now (it is
    /// down, unreachable, restarting, out of connections or too slow), as opposed to a bug: such a
    /// failure is answered with 503 and a Retry-After, and clears up on its own.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What went wrong, for a person: the database client's message and, when a deeper cause says
    /// more (a refused connection, a timeout), that too. Never a connection string.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var outer = exception;
        while (outer is not DbException && outer.InnerException is { } inner)
        {
            outer = inner;
        }

        var cause = exception.GetBaseException();
        return ReferenceEquals(outer, cause) || outer.Message.Contains(cause.Message, StringComparison.Ordinal)
            ? outer.Message
            : $"{outer.Message} ({cause.Message})";
    }
}
