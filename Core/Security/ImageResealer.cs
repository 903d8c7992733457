using Npgsql;

namespace FaceAspire.Core.Security;

/// <summary>Per sealed column: how many values <see cref="ImageResealer.ResealAsync"/> changed.</summary>
/// <param name="Column">E.g. <c>frame_images.content</c>.</param>
/// <param name="Rewrapped">Values sealed under an older KEK whose data key was re-wrapped under the current one.</param>
/// <param name="SealedLegacy">Legacy plain images that were sealed.</param>
public sealed record ResealedColumn(string Column, int Rewrapped, int SealedLegacy);

/// <summary>
/// Brings every stored image under the current key-encryption key (docs/security.md, KEK rotation): a value sealed
/// under an older KEK gets its data key re-wrapped (<see cref="ImageSealer.Rewrap"/>: the ciphertext is kept, only the
/// 68-byte key block changes), and a legacy unencrypted image (written before encryption at rest) is sealed. Covers
/// <c>frame_images.content</c>, <c>frame_images.thumbnail</c> and <c>faces.crop</c>, <see cref="BatchSize"/> rows per
/// round trip in key order; the database selects only the rows that need it (no magic, or another key id), so a
/// second run finds nothing. Once it is done, the previous KEKs can leave the configuration. Run by the worker's
/// <c>reseal</c> job.
/// </summary>
public sealed class ImageResealer(NpgsqlDataSource dataSource, ImageSealer sealer)
{
    /// <summary>Rows read and written per round trip.</summary>
    public const int BatchSize = 64;

    private static readonly (string Table, string Key, string Column, string Purpose)[] Columns =
    [
        ("frame_images", "frame_id", "content", SealedColumns.FrameContent),
        ("frame_images", "frame_id", "thumbnail", SealedColumns.FrameThumbnail),
        ("faces", "id", "crop", SealedColumns.FaceCrop),
    ];

    /// <summary>Reseals every column; see the class summary.</summary>
    /// <param name="progress">Called after each batch with the rows examined so far.</param>
    /// <param name="cancellationToken">Stops between batches; the batches done stay done (each is complete on its own).</param>
    /// <returns>One entry per column.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A value names a KEK that is not configured.</exception>
    public async Task<IReadOnlyList<ResealedColumn>> ResealAsync(Func<int, Task> progress, CancellationToken cancellationToken)
    {
        var results = new List<ResealedColumn>();
        var done = 0;
        foreach (var (table, key, column, purpose) in Columns)
        {
            int rewrapped = 0, sealedLegacy = 0;
            var after = Guid.Empty;
            while (await NextAsync(table, key, column, after, cancellationToken) is { Count: > 0 } batch)
            {
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
                await progress(done);
            }
            results.Add(new ResealedColumn($"{table}.{column}", rewrapped, sealedLegacy));
        }
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
