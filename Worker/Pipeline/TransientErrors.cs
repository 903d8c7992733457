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
}
