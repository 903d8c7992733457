using System.Data;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>
/// One PostgreSQL connection that a long-running loop keeps for its whole life, replaced when it breaks (database
/// restarted, backend terminated). Why not a pooled connection per iteration: Npgsql's pool hands out its
/// longest-idle connection (a FIFO channel; npgsql/npgsql#4818), so a loop that opens one per batch rotates its
/// statements over every backend the pool has ever opened, each a PostgreSQL process with cold caches. On 2 cores
/// that rotation cost the ingest about 8 % of its rate (ADR 0018; docs/performance.md, twentieth round).
/// Not thread-safe: one loop, one instance.
/// </summary>
/// <param name="dataSource">Where connections come from (its pool is bypassed only in that this one is kept).</param>
public sealed class HeldConnection(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    /// <summary>True when the held connection has broken since it was opened: a statement that failed on it may be
    /// tried again on a new one (<see cref="GetAsync"/> opens it).</summary>
    public bool IsBroken => _connection is not null && _connection.State != ConnectionState.Open;

    /// <summary>The held connection, opened first if there is none or the last one broke.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>An open connection with no transaction in progress (callers finish theirs).</returns>
    /// <exception cref="NpgsqlException">The database is unreachable.</exception>
    public async ValueTask<NpgsqlConnection> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { State: ConnectionState.Open })
            return _connection;
        await DisposeAsync();
        return _connection = await dataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Closes the held connection (back to the pool, which drops it if broken).</summary>
    public async ValueTask DisposeAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null)
            await connection.DisposeAsync();
    }
}
