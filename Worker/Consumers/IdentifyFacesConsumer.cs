using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Answers <see cref="IdentifyFaces"/> (queue <see cref="MessagingNames.IdentifyFacesQueue"/>): embeds every face and,
/// per face, returns the nearest persons among stored faces of the SAME embedding model (vectors of different models
/// are not comparable): the <see cref="NeighbourFaces"/> nearest faces by the HNSW index, grouped by person, each person
/// scored by its best similarity, hidden persons left out (<see cref="FaceStore.NearestPersonsAsync"/>). Nothing is
/// stored. The analysis takes a slot of the process's <see cref="AnalysisGate"/>.
/// </summary>
public sealed class IdentifyFacesConsumer(IFaceAnalyzer analyzer, AnalysisGate gate, FaceStore store, IDbContextFactory<FaceDbContext> contexts)
    : IConsumer<IdentifyFaces>
{
    /// <summary>Nearest faces fetched per query before grouping (the search's <c>hnsw.ef_search</c> is at least this).</summary>
    public const int NeighbourFaces = 40;

    private static readonly AnalysisRequest EmbedOnly = new(Embeddings: true, Emotion: false, Attributes: false);

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<IdentifyFaces> context)
    {
        ImageAnalysis analysis;
        try
        {
            analysis = await gate.RunAsync(() => analyzer.Analyze(context.Message.Image, EmbedOnly), context.CancellationToken);
        }
        catch (ImageDecodeException e)
        {
            await context.RespondAsync(new ImageRejected(ImageRejectionCodes.BadImage, $"The image could not be decoded: {e.Message}"));
            return;
        }
        if (analysis.Faces.Count == 0)
        {
            await context.RespondAsync(new ImageRejected(ImageRejectionCodes.NoFace, "No face was found in the image."));
            return;
        }
        var top = Math.Clamp(context.Message.TopPersons, 1, 10);
        var faces = new List<IdentifiedFace>(analysis.Faces.Count);
        await using var db = await contexts.CreateDbContextAsync(context.CancellationToken);
        foreach (var face in analysis.Faces)
        {
            var box = face.Detection.Box;
            var candidates = await store.NearestPersonsAsync(db, face.Embedding!, analyzer.EmbeddingModel, top, NeighbourFaces, context.CancellationToken);
            faces.Add(new IdentifiedFace(new FaceBox(box.X, box.Y, box.W, box.H), face.Quality, candidates));
        }
        await context.RespondAsync(new FacesIdentified(analyzer.EmbeddingModel, analysis.Width, analysis.Height, faces));
    }
}
