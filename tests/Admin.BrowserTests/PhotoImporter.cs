using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Security;
using FaceAspire.Testing;
using FaceAspire.Vision;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// Puts real photos into the database the way the pipeline does when the Api and Worker are not available:
/// Core's <see cref="FrameIngest"/> (what the Api calls), then the real engine (<see cref="FaceAnalyzer"/>: YuNet,
/// ArcFace-style embedding, emotion, age/gender, 112-px crops) and Core's <see cref="FrameWriter"/> (what the
/// Worker calls) — so the rows are the ones the worker would write, images sealed with the run's key (<see cref="TestEncryption"/>).
/// </summary>
public sealed class PhotoImporter(NpgsqlDataSource dataSource) : IDisposable
{
    private readonly FaceAnalyzer _analyzer = new(new VisionOptions());
    private static readonly ImageSealer Sealer = TestEncryption.Sealer;
    private readonly FrameIngest _ingest = new(dataSource, Sealer);
    private readonly FrameWriter _writer = CreateWriter(dataSource);

    /// <summary>Imports one photo; returns the frame id and the number of faces stored.</summary>
    public async Task<(Guid FrameId, int Faces)> ImportAsync(string path, string source, DateTimeOffset capturedAt)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var contentType = path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg";
        var accepted = await _ingest.AcceptAsync(bytes, contentType, source, capturedAt, null);
        var work = await _writer.ClaimAsync(accepted.FrameId) ?? throw new InvalidOperationException("frame vanished");
        if (work.Status == "done")
            return (accepted.FrameId, 0);
        var analysis = _analyzer.Analyze(Sealer.Open(work.Content, SealedColumns.FrameContent), new AnalysisRequest(CropSize: 112));
        var faces = analysis.Faces.Where(f => f.Embedding is not null && f.Emotion is not null).Select(f => new FaceObservation(
            f.Detection.Box.X, f.Detection.Box.Y, f.Detection.Box.W, f.Detection.Box.H,
            [.. f.Detection.Landmarks.SelectMany(p => new[] { p.X, p.Y })], f.Detection.Score, f.Quality, f.Embedding!,
            f.Emotion!.Probabilities, f.Emotion.Dominant, f.Emotion.Confidence, f.Age, f.Gender,
            Sealer.SealOrNull(f.CropJpeg, SealedColumns.FaceCrop))).ToList();
        var result = await _writer.WriteAsync(accepted.FrameId, analysis.Width, analysis.Height, _analyzer.EmbeddingModel, faces);
        return (accepted.FrameId, result.Faces.Count);
    }

    /// <inheritdoc />
    public void Dispose() => _analyzer.Dispose();

    private static FrameWriter CreateWriter(NpgsqlDataSource dataSource)
    {
        var options = Options.Create(new IdentityOptions());
        return new FrameWriter(dataSource, new IdentityMatcher(new FaceStore(options), options));
    }
}
