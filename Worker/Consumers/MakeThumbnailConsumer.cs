using FaceAspire.Core.Security;
using FaceAspire.Core.Contracts;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Npgsql;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Answers <see cref="MakeThumbnail"/> (queue <c>make-thumbnail</c>): decodes the frame's stored image (large JPEGs
/// at 1/2–1/8 size while decoding), shrinks it, stores the JPEG in <c>frame_images.thumbnail</c> unless another
/// worker stored one first, and answers with the stored one, so every request for a frame gets the same bytes.
/// Thumbnails are made on request, not for every analysed frame: the pipeline does not pay for the many frames nobody
/// looks at. Both images are stored sealed (<see cref="ImageSealer"/>); the answer carries the plain JPEG. The work takes a slot of the process's <see cref="AnalysisGate"/>.
/// </summary>
public sealed class MakeThumbnailConsumer(NpgsqlDataSource dataSource, AnalysisGate gate, VisionOptions vision, ImageSealer sealer) : IConsumer<MakeThumbnail>
{
    private readonly ImageDecoder _decoder = new(vision.Limits);

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<MakeThumbnail> context)
    {
        var (frameId, maxSide, quality) = context.Message;
        var ct = context.CancellationToken;
        byte[]? content, thumbnail;
        await using (var select = dataSource.CreateCommand("SELECT content, thumbnail FROM frame_images WHERE frame_id = @f"))
        {
            select.Parameters.AddWithValue("f", frameId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            (content, thumbnail) = await reader.ReadAsync(ct)
                ? (reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1))
                : (null, null);
        }
        if (thumbnail is not null)
        {
            await context.RespondAsync(new ThumbnailMade(sealer.Open(thumbnail, SealedColumns.FrameThumbnail)));
            return;
        }
        if (content is not { Length: > 0 })
        {
            await context.RespondAsync(new ImageRejected(ImageRejectionCodes.NoImage, $"Frame {frameId} has no stored image."));
            return;
        }
        try
        {
            thumbnail = await gate.RunAsync(() => Thumbnail.Make(_decoder, sealer.Open(content, SealedColumns.FrameContent), maxSide, quality), ct);
        }
        catch (ImageDecodeException e)
        {
            await context.RespondAsync(new ImageRejected(ImageRejectionCodes.BadImage, $"Frame {frameId}'s stored image cannot be decoded: {e.Message}"));
            return;
        }
        // The outer SELECT sees the row as it was before the UPDATE: a thumbnail another worker stored first wins.
        await using var store = dataSource.CreateCommand("""
            WITH made AS (UPDATE frame_images SET thumbnail = @t WHERE frame_id = @f AND thumbnail IS NULL RETURNING thumbnail)
            SELECT coalesce((SELECT thumbnail FROM made), (SELECT thumbnail FROM frame_images WHERE frame_id = @f))
            """);
        store.Parameters.AddWithValue("t", sealer.Seal(thumbnail, SealedColumns.FrameThumbnail));
        store.Parameters.AddWithValue("f", frameId);
        var stored = await store.ExecuteScalarAsync(ct) as byte[];
        await context.RespondAsync(new ThumbnailMade(stored is null ? thumbnail : sealer.Open(stored, SealedColumns.FrameThumbnail)));
    }
}
