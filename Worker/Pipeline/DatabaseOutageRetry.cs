using MassTransit;

namespace FaceAspire.Worker.Pipeline;

/// <summary>
/// The retry policy that waits out an unreachable database (<see cref="TransientErrors.IsDatabaseUnreachable"/>).
/// Configure it as the OUTER retry filter of a consumer, before its ordinary retry policy, whose handled exceptions
/// must exclude these: every other error then keeps its short exponential budget, and only an outage is waited for.
/// </summary>
public static class DatabaseOutageRetry
{
    /// <summary>How often a waiting message tries again: 1 s, so work resumes about a second after the database does.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Retries a message every <see cref="ProbeInterval"/> for up to <paramref name="waitSeconds"/> seconds while the
    /// database is unreachable; the message stays unacknowledged and keeps its consumer slot meanwhile.
    /// </summary>
    /// <param name="retry">The retry configurator of <c>UseMessageRetry</c>.</param>
    /// <param name="waitSeconds">0–1500 (<see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>); 0 waits not at all.</param>
    public static void WaitOutDatabaseOutage(this IRetryConfigurator retry, int waitSeconds)
    {
        retry.Interval((int)Math.Ceiling(waitSeconds / ProbeInterval.TotalSeconds), ProbeInterval);
        retry.Handle<Exception>(TransientErrors.IsDatabaseUnreachable);
    }

    /// <summary>The ordinary policy's filter: transient, and not an outage (which the outer policy waits out).</summary>
    public static bool IsTransientButNotAnOutage(Exception exception) =>
        TransientErrors.IsTransient(exception) && !TransientErrors.IsDatabaseUnreachable(exception);
}
