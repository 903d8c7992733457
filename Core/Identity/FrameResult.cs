using FaceAspire.Core.Contracts;
using Npgsql;

namespace FaceAspire.Core.Identity;

/// <summary>A frame claimed by <see cref="FrameWriter.ClaimAsync"/>.</summary>
/// <param name="FrameId">The frame.</param>
/// <param name="Status">Status before the claim (<see cref="FrameStatus"/>); <c>done</c> means: do not analyse.</param>
/// <param name="Attempts">Attempts including this one.</param>
/// <param name="CapturedAt">Capture time (UTC).</param>
/// <param name="Source">Source, or null.</param>
/// <param name="Sha256">Hex SHA-256 of <paramref name="Content"/>.</param>
/// <param name="Content">The image bytes as uploaded (empty if the image row is missing).</param>
/// <param name="ContentType">MIME type, e.g. <c>image/jpeg</c>.</param>
public sealed record FrameWork(Guid FrameId, string Status, int Attempts, DateTimeOffset CapturedAt, string? Source,
    string Sha256, byte[] Content, string ContentType);

/// <summary>
/// What is stored for a frame, and the events that announce it (<see cref="ToMessage"/>, <see cref="FaceEvents"/>).
/// </summary>
/// <param name="FrameId">The frame.</param>
/// <param name="Status">Its status (<see cref="FrameStatus"/>).</param>
/// <param name="Replayed">True when read back from the database instead of written now (redelivery).</param>
/// <param name="Faces">Stored faces in detection order.</param>
/// <param name="FaceEvents">One <see cref="FaceRecognized"/> per face with a person, same order.</param>
/// <param name="Error">The failure reason, or null.</param>
/// <param name="CapturedAt">Capture time.</param>
/// <param name="Source">Source, or null.</param>
/// <param name="Width">Decoded width in pixels, or null when not analysed.</param>
/// <param name="Height">Decoded height in pixels, or null.</param>
public sealed record FrameResult(Guid FrameId, string Status, bool Replayed, IReadOnlyList<AnalyzedFace> Faces,
    IReadOnlyList<FaceRecognized> FaceEvents, string? Error, DateTimeOffset CapturedAt, string? Source, int? Width, int? Height)
{
    /// <summary>The <see cref="FrameAnalyzed"/> event for this result.</summary>
    public FrameAnalyzed ToMessage() => new(FrameId, Status, Faces.Count, Faces, Error, CapturedAt, Source);

    /// <summary>Every event of this result, as written to the outbox: <see cref="ToMessage"/>, then
    /// <see cref="FaceEvents"/> in detection order.</summary>
    public IReadOnlyList<object> Events() => [ToMessage(), .. FaceEvents];
}

internal static class FrameResults
{
    public static async Task<FrameResult?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid frameId,
        bool replayed, CancellationToken cancellationToken)
    {
        string status;
        string? error, source;
        DateTimeOffset capturedAt;
        int? width, height;
        await using (var command = new NpgsqlCommand(
            "SELECT status, error, captured_at, source, width, height FROM frames WHERE id = @id", connection, transaction))
        {
            command.Parameters.AddWithValue("id", frameId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            status = reader.GetString(0);
            error = reader.IsDBNull(1) ? null : reader.GetString(1);
            capturedAt = reader.GetFieldValue<DateTimeOffset>(2);
            source = reader.IsDBNull(3) ? null : reader.GetString(3);
            width = reader.IsDBNull(4) ? null : reader.GetInt32(4);
            height = reader.IsDBNull(5) ? null : reader.GetInt32(5);
        }
        var faces = new List<AnalyzedFace>();
        var events = new List<FaceRecognized>();
        // Detection order = insertion order: the emotion row of each face is inserted right after it and its
        // identity id increases (UUIDv7 face ids are random within one millisecond, so they cannot tell).
        await using (var command = new NpgsqlCommand("""
            SELECT f.id, f.person_id, f.new_person, f.x, f.y, f.w, f.h, e.dominant, e.confidence, f.quality
            FROM faces f LEFT JOIN emotions e ON e.face_id = f.id
            WHERE f.frame_id = @id ORDER BY e.id NULLS LAST, f.id
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("id", frameId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var faceId = reader.GetGuid(0);
                Guid? personId = reader.IsDBNull(1) ? null : reader.GetGuid(1);
                var emotion = reader.IsDBNull(7) ? "" : reader.GetString(7);
                var confidence = reader.IsDBNull(8) ? 0f : reader.GetFloat(8);
                faces.Add(new AnalyzedFace(faceId, personId, reader.GetBoolean(2), reader.GetFloat(3), reader.GetFloat(4),
                    reader.GetFloat(5), reader.GetFloat(6), emotion, confidence));
                if (personId is { } p)
                    events.Add(new FaceRecognized(faceId, frameId, p, reader.GetBoolean(2), emotion, confidence, reader.GetFloat(9), capturedAt, source));
            }
        }
        return new FrameResult(frameId, status, replayed, faces, events, error, capturedAt, source, width, height);
    }
}
