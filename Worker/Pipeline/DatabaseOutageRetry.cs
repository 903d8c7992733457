using MassTransit;

namespace FaceAspire.Worker.Pipeline;

/// <summary>
/// The retry policy that waits out an unreachable database (<see cref="TransientErrors.IsDatabaseUnreachable"/>).
/// Configure it as the OUTER retry filter of a consumer, before its ordinary retry policy, which handles
/// <see cref="OrdinaryTransient"/>: every other error then keeps its short exponential budget, and only an outage is
/// waited for.
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
        if (waitSeconds <= 0)
        {
            retry.None(); // an interval policy needs at least one retry
            return;
        }
        retry.Interval((int)Math.Ceiling(waitSeconds / ProbeInterval.TotalSeconds), ProbeInterval);
        retry.Handle<Exception>(TransientErrors.IsDatabaseUnreachable);
    }

    /// <summary>
    /// The ordinary policy's filter: transient errors, except outages when <paramref name="waitSeconds"/> &gt; 0 (the
    /// outer policy waits those out). With 0, an outage is an ordinary transient error again, with its short budget.
    /// </summary>
    public static Func<Exception, bool> OrdinaryTransient(int waitSeconds) => waitSeconds > 0
        ? e => TransientErrors.IsTransient(e) && !TransientErrors.IsDatabaseUnreachable(e)
        : TransientErrors.IsTransient;
}
