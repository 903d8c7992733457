using FaceAspire.Core.Security;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Jobs;
using FaceAspire.Vision;
using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Re-embedding: every face whose <c>model_version</c> differs from this worker's embedder gets a new embedding,
/// computed from its frame's stored image and its stored box, landmarks and detection score (the same 5-point
/// alignment the ingest used, so no re-detection), and the new model tag. Frame by frame, each frame's faces in
/// one transaction (<see cref="FaceStore.ReplaceEmbeddingAsync"/>); progress = faces done of faces to do. Persons are untouched. Faces whose frame image is gone
/// (or no longer decodes) keep their old vector and model and are counted as skipped; matching ignores them
/// because it only compares vectors of the same model. Each embedding takes a slot of the process's
/// <see cref="AnalysisGate"/>, so a running job shares the cores with the frames in flight instead of adding to them.
/// </summary>
public sealed class ReembedJob(NpgsqlDataSource dataSource, IDbContextFactory<FaceDbContext> contexts, IFaceAnalyzer analyzer, AnalysisGate gate,
    VisionOptions vision, ImageSealer sealer, ILogger<ReembedJob> logger) : IMaintenanceJob
{
    private const int FramesPerBatch = 16;

    /// <inheritdoc />
    public string Kind => JobKinds.Reembed;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var embedder = (analyzer as FaceAnalyzer)?.Embedder ?? throw new InvalidOperationException("Re-embedding needs the FaceAnalyzer's embedder.");
        var model = analyzer.EmbeddingModel;
        var total = await ScalarIntAsync("SELECT count(*)::int FROM faces WHERE model_version <> @mv", model, cancellationToken);
        var decoder = new ImageDecoder(vision.Limits);
        int done = 0, skipped = 0;
        var skippedFrames = new HashSet<Guid>();
        await run.ReportAsync(0, total, cancellationToken, force: true);
        while (true)
        {
            var frames = await NextFramesAsync(model, skippedFrames, cancellationToken);
            if (frames.Count == 0)
                break;
            foreach (var frameId in frames)
            {
                var (content, faces) = await LoadAsync(frameId, model, cancellationToken);
                RgbImage? image = null;
                try
                {
                    image = content is { Length: > 0 } ? decoder.Decode(sealer.Open(content, SealedColumns.FrameContent)) : null;
                }
                catch (ImageDecodeException e)
                {
                    logger.LogWarning("Re-embed: frame {FrameId} no longer decodes: {Message}", frameId, e.Message);
                }
                if (image is null)
                {
                    skippedFrames.Add(frameId);
                    skipped += faces.Count;
                    continue;
                }
                using (image)
                {
                    await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    foreach (var (faceId, detected) in faces)
                    {
                        var embedding = await gate.RunAsync(() => embedder.Embed(image, detected), cancellationToken);
                        await FaceStore.ReplaceEmbeddingAsync(db, faceId, embedding, model, cancellationToken);
                    }
                    await transaction.CommitAsync(cancellationToken);
                }
                done += faces.Count;
                await run.ReportAsync(done + skipped, total, cancellationToken);
            }
        }
        return new { model, faces = total, reembedded = done, skipped };
    }

    private async Task<List<Guid>> NextFramesAsync(string model, HashSet<Guid> skip, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT DISTINCT frame_id FROM faces WHERE model_version <> @mv AND NOT (frame_id = ANY(@skip)) LIMIT @n");
        command.Parameters.AddWithValue("mv", model);
        command.Parameters.AddWithValue("skip", skip.ToArray());
        command.Parameters.AddWithValue("n", FramesPerBatch);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ids.Add(reader.GetGuid(0));
        return ids;
    }

    private async Task<(byte[]? Content, List<(Guid Id, DetectedFace Face)> Faces)> LoadAsync(Guid frameId, string model, CancellationToken cancellationToken)
    {
        byte[]? content;
        await using (var image = dataSource.CreateCommand("SELECT content FROM frame_images WHERE frame_id = @f"))
        {
            image.Parameters.AddWithValue("f", frameId);
            content = await image.ExecuteScalarAsync(cancellationToken) as byte[];
        }
        var faces = new List<(Guid, DetectedFace)>();
        await using var command = dataSource.CreateCommand(
            "SELECT id, x, y, w, h, landmarks, det_score FROM faces WHERE frame_id = @f AND model_version <> @mv");
        command.Parameters.AddWithValue("f", frameId);
        command.Parameters.AddWithValue("mv", model);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var lm = reader.GetFieldValue<float[]>(5);
            var points = new Point2[lm.Length / 2];
            for (var i = 0; i < points.Length; i++)
                points[i] = new Point2(lm[2 * i], lm[2 * i + 1]);
            faces.Add((reader.GetGuid(0), new DetectedFace(new Box(reader.GetFloat(1), reader.GetFloat(2), reader.GetFloat(3), reader.GetFloat(4)),
                points, reader.GetFloat(6))));
        }
        return (content, faces);
    }

    private async Task<int> ScalarIntAsync(string sql, string model, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("mv", model);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
