using FaceAspire.Core.Security;
using FaceAspire.Testing;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The Api plus rows written through Core exactly as the Worker writes them (FrameIngest → FrameWriter with
/// IdentityMatcher): two persons A and B (512-d embeddings = a random unit vector plus small noise), five analysed
/// frames from three sources over five days, one queued and one failed frame.
/// </summary>
public sealed class QueryFixture : ApiFixture, IAsyncLifetime
{
    /// <summary>A source name that needs CSV quoting.</summary>
    public const string Lobby = "lobby, \"north\"";
    public Guid PersonA { get; private set; }
    public Guid PersonB { get; private set; }
    public Guid TwoFaceFrame { get; private set; }
    public Guid QueuedFrame { get; private set; }
    public Guid FailedFrame { get; private set; }
    public byte[] Crop { get; } = Photos.Read("identities/lfw12/Serena_Williams/Serena_Williams_0001.jpg");
    public static DateTimeOffset Day(int d) => new(2024, 1, d, 10, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var ingest = App.Services.GetRequiredService<FrameIngest>();
        var writer = App.Services.GetRequiredService<FrameWriter>();
        var rng = new Random(42);
        var (a, b) = (Embeddings.RandomUnit(rng), Embeddings.RandomUnit(rng));
        FaceObservation Face(float[] person, string emotion, float x, float age, string gender) =>
            Embeddings.Face(Embeddings.Noisy(person, 0.3, rng), emotion, x, age, gender, Crop);

        async Task<Guid> Frame(int day, string source, params FaceObservation[] faces)
        {
            var accepted = await ingest.AcceptAsync(Photos.Variant(Photos.Obama, $"query {day} {source}"), "image/jpeg", source, Day(day), null);
            await writer.WriteAsync(accepted.FrameId, 640, 480, "fr_feature@test", faces);
            return accepted.FrameId;
        }
        await Frame(1, "cam-1", Face(a, "happy", 10, 31, "female"));
        await Frame(2, "cam-1", Face(a, "sad", 12, 32, "female"));
        TwoFaceFrame = await Frame(3, Lobby, Face(a, "neutral", 20, 30, "female"), Face(b, "happy", 300, 45, "male"));
        await Frame(4, Lobby, Face(b, "happy", 310, 44, "male"));
        await Frame(5, "cam-2", Face(b, "angry", 320, 46, "male"));
        QueuedFrame = (await ingest.AcceptAsync(Photos.Variant(Photos.Obama, "query queued"), "image/jpeg", "cam-1", Day(6), null)).FrameId;
        FailedFrame = (await ingest.AcceptAsync(Photos.Variant(Photos.Obama, "query failed"), "image/jpeg", "cam-1", Day(7), null)).FrameId;
        await writer.FailAsync(FailedFrame, "image could not be decoded");
        PersonA = await ScalarAsync<Guid>("SELECT person_id FROM faces WHERE x = 10");
        PersonB = await ScalarAsync<Guid>("SELECT person_id FROM faces WHERE x = 300");
    }
}

/// <summary>Synthetic face records: random 512-d unit vectors are ~orthogonal (cosine ≈ N(0, 0.044²)), a noisy copy stays close.</summary>
internal static class Embeddings
{
    public static float[] RandomUnit(Random rng) => Normalise([.. Enumerable.Range(0, FaceSchema.EmbeddingDimension).Select(_ => (float)Gaussian(rng))]);

    public static float[] Noisy(float[] v, double noiseNorm, Random rng)
    {
        var sigma = noiseNorm / Math.Sqrt(v.Length);
        return Normalise([.. v.Select(x => x + (float)(sigma * Gaussian(rng)))]);
    }

    public static FaceObservation Face(float[] embedding, string emotion, float x, float age, string gender, byte[] crop)
    {
        var scores = new float[EmotionLabels.Count];
        Array.Fill(scores, 0.05f);
        scores[EmotionLabels.IndexOf(emotion)] = 0.7f;
        return new FaceObservation(x, 40, 120, 150, [x + 30, 80, x + 90, 80, x + 60, 110, x + 35, 130, x + 85, 130], 0.97f, 0.8f, embedding, scores, emotion, 0.7f, age, gender, TestEncryption.Sealer.Seal(crop, SealedColumns.FaceCrop));
    }

    private static float[] Normalise(float[] v)
    {
        var n = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return [.. v.Select(x => x / n)];
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
