using System.Security.Cryptography;
using FaceAspire.Core.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Core.Data;

/// <summary>The outcome of <see cref="FrameIngest.AcceptAsync"/>.</summary>
/// <param name="FrameId">The frame (new, or the existing one with the same bytes).</param>
/// <param name="Created">False when identical bytes had been accepted before (nothing new was written).</param>
/// <param name="Status">The frame's current status (<see cref="FrameStatus"/>).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
public sealed record IngestResult(Guid FrameId, bool Created, string Status, string Sha256);

/// <summary>
/// The Api's side of the frames table: accepts an image idempotently. In ONE transaction it inserts the frame
/// (unique sha256 — <c>ON CONFLICT DO NOTHING</c>), its bytes, and an <see cref="AnalyzeFrame"/> outbox row; the
/// same bytes posted again (even concurrently) return the existing frame and enqueue nothing.
/// </summary>
public sealed class FrameIngest(NpgsqlDataSource dataSource)
{
    /// <summary>Stores an image and queues its analysis.</summary>
    /// <param name="content">Image bytes as uploaded (not decoded here).</param>
    /// <param name="contentType">MIME type, e.g. <c>image/jpeg</c>.</param>
    /// <param name="source">Camera or uploader name, or null.</param>
    /// <param name="capturedAt">Capture time (any offset; stored as UTC).</param>
    /// <param name="metadataJson">Client metadata as a JSON document, or null.</param>
    /// <param name="cancellationToken">Cancels; nothing is stored.</param>
    /// <exception cref="ArgumentException">Empty content.</exception>
    /// <exception cref="PostgresException">Invalid metadata JSON (SQLSTATE 22P02) or database errors.</exception>
    public async Task<IngestResult> AcceptAsync(byte[] content, string contentType, string? source, DateTimeOffset capturedAt,
        string? metadataJson, CancellationToken cancellationToken = default)
    {
        if (content.Length == 0)
            throw new ArgumentException("Empty image.", nameof(content));
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var frameId = Guid.CreateVersion7();
        capturedAt = capturedAt.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO frames (id, sha256, source, captured_at, metadata) VALUES (@id, @sha, @src, @cap, @meta)
            ON CONFLICT (sha256) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", frameId);
            insert.Parameters.AddWithValue("sha", sha);
            insert.Parameters.AddWithValue("src", NpgsqlDbType.Text, (object?)source ?? DBNull.Value);
            insert.Parameters.AddWithValue("cap", capturedAt);
            insert.Parameters.AddWithValue("meta", NpgsqlDbType.Jsonb, (object?)metadataJson ?? DBNull.Value);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // A concurrent insert of the same bytes has committed by now (ON CONFLICT waited for it).
                await transaction.RollbackAsync(cancellationToken);
                await using var existing = new NpgsqlCommand("SELECT id, status FROM frames WHERE sha256 = @sha", connection);
                existing.Parameters.AddWithValue("sha", sha);
                await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                return new IngestResult(reader.GetGuid(0), false, reader.GetString(1), sha);
            }
        }
        await using (var image = new NpgsqlCommand(
            "INSERT INTO frame_images (frame_id, content, content_type) VALUES (@id, @c, @t)", connection, transaction))
        {
            image.Parameters.AddWithValue("id", frameId);
            image.Parameters.AddWithValue("c", content);
            image.Parameters.AddWithValue("t", contentType);
            await image.ExecuteNonQueryAsync(cancellationToken);
        }
        await OutboxSerializer.EnqueueAsync(new AnalyzeFrame(frameId, sha, source, capturedAt), connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IngestResult(frameId, true, FrameStatus.Queued, sha);
    }
}
