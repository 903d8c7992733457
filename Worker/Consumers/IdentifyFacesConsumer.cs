using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Answers <see cref="IdentifyFaces"/> (queue <c>identify-faces</c>): embeds every face and, per face, returns the
/// nearest persons among stored faces of the SAME embedding model (vectors of different models are not comparable):
/// the <see cref="NeighbourFaces"/> nearest faces by the HNSW index, grouped by person, each person scored by its
/// best similarity, hidden persons left out. Nothing is stored. The analysis takes a slot of the process's
/// <see cref="AnalysisGate"/>.
/// </summary>
public sealed class IdentifyFacesConsumer(IFaceAnalyzer analyzer, AnalysisGate gate, NpgsqlDataSource dataSource) : IConsumer<IdentifyFaces>
{
    /// <summary>Faces fetched per query before grouping (≤ pgvector's default hnsw.ef_search of 40).</summary>
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
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        foreach (var face in analysis.Faces)
        {
            var box = face.Detection.Box;
            var candidates = await NearestPersonsAsync(connection, face.Embedding!, analyzer.EmbeddingModel, top, context.CancellationToken);
            faces.Add(new IdentifiedFace(new FaceBox(box.X, box.Y, box.W, box.H), face.Quality, candidates));
        }
        await context.RespondAsync(new FacesIdentified(analyzer.EmbeddingModel, analysis.Width, analysis.Height, faces));
    }

    private static async Task<List<PersonCandidate>> NearestPersonsAsync(NpgsqlConnection connection, float[] embedding, string model,
        int top, CancellationToken cancellationToken)
    {
        // The inner ORDER BY … LIMIT is the HNSW-indexed nearest-face scan (it orders by the indexed expression,
        // FaceSchema.IndexedVectorType); grouping happens on those rows only, on exact distances.
        await using var command = new NpgsqlCommand($"""
            WITH n AS (
              SELECT person_id, (embedding <=> @q::vector) AS d FROM faces
              WHERE model_version = @mv AND person_id IS NOT NULL
              ORDER BY embedding::{FaceSchema.IndexedVectorType} <=> @q::{FaceSchema.IndexedVectorType} LIMIT @k)
            SELECT n.person_id, p.name, (1 - min(n.d))::real AS similarity
            FROM n JOIN persons p ON p.id = n.person_id
            WHERE NOT p.hidden
            GROUP BY n.person_id, p.name ORDER BY min(n.d) LIMIT @top
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<float[]>("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { TypedValue = embedding });
        command.Parameters.AddWithValue("mv", model);
        command.Parameters.AddWithValue("k", NeighbourFaces);
        command.Parameters.AddWithValue("top", top);
        var result = new List<PersonCandidate>(top);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new PersonCandidate(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFloat(2)));
        return result;
    }
}
