using FaceAspire.Core.Jobs;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Index rebuild of <c>ix_faces_embedding_hnsw</c>. Only the table owner may REINDEX. With
/// <c>ConnectionStrings:facedb-owner</c> configured on the worker: <c>REINDEX INDEX CONCURRENTLY</c> (writes go on
/// meanwhile). Without it: the SECURITY DEFINER function <c>faceaspire_reindex_embeddings()</c> from the
/// MoodAndJobs migration, a plain REINDEX that blocks writes to <c>faces</c> while it runs (CONCURRENTLY cannot run
/// inside a function).
/// </summary>
public sealed class ReindexJob(NpgsqlDataSource dataSource, IConfiguration configuration) : IMaintenanceJob
{
    /// <inheritdoc />
    public string Kind => JobKinds.Reindex;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        await run.ReportAsync(0, 1, cancellationToken, force: true);
        var started = DateTime.UtcNow;
        string method;
        if (configuration.GetConnectionString("facedb-owner") is { Length: > 0 } owner)
        {
            await using var connection = new NpgsqlConnection(owner);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("REINDEX INDEX CONCURRENTLY ix_faces_embedding_hnsw", connection) { CommandTimeout = 0 };
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
        return new { index = "ix_faces_embedding_hnsw", method, faces, seconds = Math.Round((DateTime.UtcNow - started).TotalSeconds, 2) };
    }

    private async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM faces");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
