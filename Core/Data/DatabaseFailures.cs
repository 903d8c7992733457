using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>Classifies database exceptions for the services' HTTP answers (the Api's 503, the Admin's 503 page).</summary>
public static class DatabaseFailures
{
    /// <summary>
    /// True when <paramref name="error"/>, an exception inside it (<see cref="Exception.InnerException"/>), or one of an
    /// <see cref="AggregateException"/>'s is a transient <see cref="NpgsqlException"/> (<see cref="NpgsqlException.IsTransient"/>:
    /// the server down, restarting or refusing connections, the connection limit or pool exhausted, a deadlock or
    /// serialization failure). EF Core wraps it: its execution strategy throws an <see cref="InvalidOperationException"/>
    /// ("likely due to a transient failure") with the Npgsql error inside, so the top-level type alone is not enough.
    /// </summary>
    /// <param name="error">Any exception, or null (false).</param>
    public static bool IsTransient(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true })
                return true;
            if (e is AggregateException aggregate)
                return aggregate.InnerExceptions.Any(IsTransient);
        }
        return false;
    }
}
