using System.Net.Sockets;
using Npgsql;

namespace FaceAspire.Worker.Pipeline;

/// <summary>Which exceptions are worth retrying (the same frame may succeed a moment later).</summary>
public static class TransientErrors
{
    /// <summary>
    /// True for Npgsql's own transient classification (<see cref="NpgsqlException.IsTransient"/>: lost or refused
    /// connections, 08xxx, deadlock 40P01, serialization 40001, lock_not_available 55P03, cannot_connect_now
    /// 57P03, out of resources 53xxx, I/O timeouts), for statement timeouts (57014 without our cancellation) and
    /// for <see cref="TimeoutException"/>. Everything else (constraint violations, missing privileges, a bug) is
    /// permanent and goes straight to the error queue.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => true,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// True when PostgreSQL cannot be reached at all, as opposed to a statement that failed: the server is shutting
    /// down, crashed or still starting (SQLSTATE 57P01, 57P02, 57P03), a connection exception (class 08), or a
    /// connection refused, reset, closed or timed out (an <see cref="NpgsqlException"/> over a socket, I/O or timeout
    /// error). Such an error says nothing about the frame; retrying it a few times within seconds only turns a
    /// database restart into failed frames (measured: a 6 s outage failed 28 of 40 queued frames), so the worker
    /// waits it out instead (<see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>).
    /// </summary>
    public static bool IsDatabaseUnreachable(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                                   or PostgresErrorCodes.CannotConnectNow
                               || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        _ => false,
    };
}
