using System.Net.Sockets;
using FaceAspire.Core.Data;
using Npgsql;

namespace FaceAspire.Core.Tests;

/// <summary>Which exceptions the services answer with 503 ("the database is unavailable; retry").</summary>
public sealed class DatabaseFailuresTests
{
    private static NpgsqlException Refused() =>
        new("Failed to connect to 127.0.0.1:26433", new SocketException((int)SocketError.ConnectionRefused));

    [Fact]
    public void ARefusedConnectionIsTransientAtTheTopAndInsideTheWrappersEfCoreAndTasksUse()
    {
        Assert.True(DatabaseFailures.IsTransient(Refused()));
        // EF Core's execution strategy: "An exception has been raised that is likely due to a transient failure."
        Assert.True(DatabaseFailures.IsTransient(new InvalidOperationException("likely due to a transient failure", Refused())));
        Assert.True(DatabaseFailures.IsTransient(new AggregateException(new ArgumentException("other"), Refused())));
        Assert.True(DatabaseFailures.IsTransient(new PostgresException("the database system is shutting down", "FATAL", "FATAL",
            PostgresErrorCodes.CannotConnectNow)));
    }

    [Fact]
    public void AStatementTheDatabaseRefusesAndOtherErrorsAreNot()
    {
        Assert.False(DatabaseFailures.IsTransient(null));
        Assert.False(DatabaseFailures.IsTransient(new InvalidOperationException("a bug")));
        var duplicate = new PostgresException("duplicate key value", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);
        Assert.False(DatabaseFailures.IsTransient(duplicate));
        Assert.False(DatabaseFailures.IsTransient(new InvalidOperationException("wrapped", duplicate)));
        Assert.False(DatabaseFailures.IsTransient(new AggregateException(new ArgumentException("other"))));
    }
}
