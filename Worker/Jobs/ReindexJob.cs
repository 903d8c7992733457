using FaceAspire.Core.Jobs;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Index rebuild of <c>ix_faces_embedding_hnsw</c>. Only the table owner may REINDEX. With
/// <c>ConnectionStrings:facedb-owner</c> configured on the worker: <c>REINDEX INDEX CONCURRENTLY</c> (writes go on
/// meanwhile). Without it: the SECURITY DEFINER function <c>faceaspire_reindex_embeddings()</c> from the
/// MoodAndJobs migration, a plain REINDEX that blocks writes to <c>faces</c> while it runs (CONCURRENTLY cannot run
/// inside a function).
/// <para>
/// A concurrent rebuild that was interrupted (a database restart, a killed worker; the job then runs again) leaves
/// its new index behind, invalid, as <c>ix_faces_embedding_hnsw_ccnew</c>, <c>…_ccnew1</c>, … (or the old one as
/// <c>…_ccold</c>): never used by a query, but still updated by every face INSERT, which for an HNSW index is most of
/// the insert's cost. PostgreSQL's documentation (REINDEX, "Rebuilding Indexes Concurrently") says to drop such
/// indexes and try again, so the owner path first drops every invalid index of those names, and reports them in
/// <c>droppedInvalid</c>.
/// </para>
/// </summary>
public sealed class ReindexJob(NpgsqlDataSource dataSource, IConfiguration configuration) : IMaintenanceJob
{
    private const string IndexName = "ix_faces_embedding_hnsw";

    /// <inheritdoc />
    public string Kind => JobKinds.Reindex;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        await run.ReportAsync(0, 1, cancellationToken, force: true);
        var started = DateTime.UtcNow;
        string method;
        var dropped = new List<string>();
        if (configuration.GetConnectionString("facedb-owner") is { Length: > 0 } owner)
        {
            await using var connection = new NpgsqlConnection(owner);
            await connection.OpenAsync(cancellationToken);
            dropped = await DropInterruptedRebuildsAsync(connection, cancellationToken);
            await using var command = new NpgsqlCommand($"REINDEX INDEX CONCURRENTLY {IndexName}", connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
            method = "concurrently (owner connection)";
        }
        else
        {
            await using var command = dataSource.CreateCommand("SELECT faceaspire_reindex_embeddings()");
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken);
            method = "blocking (security-definer function)";
        }
        var faces = await CountAsync(cancellationToken);
        return new { index = IndexName, method, faces, droppedInvalid = dropped, seconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 2) };
    }

    /// <summary>Drops the invalid leftovers of an interrupted concurrent rebuild of the index; returns their names.</summary>
    private static async Task<List<string>> DropInterruptedRebuildsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var find = new NpgsqlCommand("""
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE NOT i.indisvalid AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relname ~ @pattern
            ORDER BY c.relname
            """, connection))
        {
            find.Parameters.AddWithValue("pattern", $"^{IndexName}_cc(new|old)[0-9]*$");
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                names.Add(reader.GetString(0));
        }
        foreach (var name in names)
        {
            // The name comes from pg_class and matched the pattern above, so quoting it is enough.
            await using var drop = new NpgsqlCommand($"DROP INDEX CONCURRENTLY IF EXISTS \"{name}\"", connection) { CommandTimeout = 0 };
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        return names;
    }

    private async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM faces");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
