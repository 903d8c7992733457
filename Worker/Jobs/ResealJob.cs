using FaceAspire.Core.Jobs;
using FaceAspire.Core.Security;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Brings every stored image under the current key-encryption key (docs/security.md, KEK rotation): a value sealed
/// under an older KEK gets its data key re-wrapped (<see cref="ImageSealer.Rewrap"/>: the ciphertext is kept, only the
/// 68-byte key block changes), and a legacy unencrypted image (written before encryption at rest) is sealed. Covers
/// <c>frame_images.content</c>, <c>frame_images.thumbnail</c> and <c>faces.crop</c>, <see cref="BatchSize"/> rows per
/// statement in key order; the database selects only the rows that need it (magic or key id differs), so a second run
/// finds nothing. After it is done, the previous KEKs can be removed from configuration.
/// Result: <c>{ keyId, rewrapped, sealedLegacy }</c> per column.
/// </summary>
public sealed class ResealJob(NpgsqlDataSource dataSource, ImageSealer sealer) : IMaintenanceJob
{
    /// <summary>Rows read and written per round trip.</summary>
    public const int BatchSize = 64;

    private static readonly (string Table, string Key, string Column, string Purpose)[] Columns =
    [
        ("frame_images", "frame_id", "content", SealedColumns.FrameContent),
        ("frame_images", "frame_id", "thumbnail", SealedColumns.FrameThumbnail),
        ("faces", "id", "crop", SealedColumns.FaceCrop),
    ];

    /// <inheritdoc />
    public string Kind => JobKinds.Reseal;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, object>();
        var done = 0;
        await run.ReportAsync(0, null, cancellationToken, force: true);
        foreach (var (table, key, column, purpose) in Columns)
        {
            int rewrapped = 0, sealedLegacy = 0;
            var after = Guid.Empty;
            while (true)
            {
                var batch = await NextAsync(table, key, column, after, cancellationToken);
                if (batch.Count == 0)
                    break;
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var write = new NpgsqlBatch(connection);
                foreach (var (id, stored) in batch)
                {
                    if (sealer.Rewrap(stored, purpose) is not { } updated)
                        continue;
                    if (ImageSealer.IsSealed(stored)) rewrapped++; else sealedLegacy++;
                    write.BatchCommands.Add(new NpgsqlBatchCommand($"UPDATE {table} SET {column} = $1 WHERE {key} = $2")
                    {
                        Parameters = { new NpgsqlParameter { Value = updated }, new NpgsqlParameter { Value = id } },
                    });
                }
                if (write.BatchCommands.Count > 0)
                    await write.ExecuteNonQueryAsync(cancellationToken);
                after = batch[^1].Id;
                done += batch.Count;
                await run.ReportAsync(done, null, cancellationToken);
            }
            results[$"{table}.{column}"] = new { rewrapped, sealedLegacy };
        }
        results["keyId"] = sealer.Keys.CurrentIdHex;
        return results;
    }

    // The rows whose value is not sealed under the current KEK: no magic "FAE1", or another key id at bytes 5..12.
    private async Task<List<(Guid Id, byte[] Stored)>> NextAsync(string table, string key, string column, Guid after,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {key}, {column} FROM {table}
            WHERE {key} > $1 AND {column} IS NOT NULL
              AND (substring({column} FROM 1 FOR 4) <> '\x46414531'::bytea OR substring({column} FROM 5 FOR 8) <> $2)
            ORDER BY {key} LIMIT {BatchSize}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = sealer.Keys.CurrentId });
        var rows = new List<(Guid, byte[])>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add((reader.GetGuid(0), reader.GetFieldValue<byte[]>(1)));
        return rows;
    }
}
