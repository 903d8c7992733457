using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>Synthetic embeddings and faces. Random 512-d unit vectors have cosine ≈ N(0, 0.044²) to each other,
/// so two of them are never within the 0.36 threshold; a copy with small noise stays far above it.</summary>
internal static class TestData
{
    public static float[] RandomUnit(Random rng)
    {
        var v = new float[FaceSchema.EmbeddingDimension];
        for (var i = 0; i < v.Length; i++)
            v[i] = (float)Gaussian(rng);
        return Normalise(v);
    }

    /// <summary><paramref name="v"/> plus Gaussian noise of norm ≈ <paramref name="noiseNorm"/>, re-normalised.</summary>
    public static float[] Noisy(float[] v, double noiseNorm, Random rng)
    {
        var sigma = noiseNorm / Math.Sqrt(v.Length);
        var r = new float[v.Length];
        for (var i = 0; i < v.Length; i++)
            r[i] = v[i] + (float)(sigma * Gaussian(rng));
        return Normalise(r);
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

    public static FaceObservation Face(float[] embedding, float quality = 0.8f, string emotion = "happy", float x = 10)
    {
        var scores = new float[EmotionLabels.Count];
        Array.Fill(scores, 0.05f);
        scores[EmotionLabels.IndexOf(emotion)] = 0.7f;
        // Eyes 40 px apart: a face that passes the recognisability gate (IdentityOptions.FullSizeInterOcularPixels 32).
        return new FaceObservation(x, 20, 64, 80, [x + 12, 40, x + 52, 40, x + 32, 60, x + 16, 80, x + 48, 80], 0.95f, quality, embedding,
            scores, emotion, 0.7f, 31.5f, "female", [0xFF, 0xD8, 0xFF, 0xD9]);
    }

    public static IdentityMatcher Matcher(IdentityOptions? options = null)
    {
        var o = Options.Create(options ?? new IdentityOptions());
        return new IdentityMatcher(new FaceStore(o), o);
    }

    /// <summary>Inserts a queued frame (with a small fake image) and returns its id.</summary>
    public static async Task<Guid> InsertFrameAsync(NpgsqlDataSource dataSource, string? source = "cam-1")
    {
        var ingest = new FrameIngest(dataSource, FaceAspire.Testing.TestEncryption.Sealer);
        var bytes = Guid.NewGuid().ToByteArray();
        var result = await ingest.AcceptAsync(bytes, "image/jpeg", source, DateTimeOffset.UtcNow, null);
        return result.FrameId;
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, params (string Name, object Value)[] args)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in args)
            command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static float[] Normalise(float[] v)
    {
        var n = Math.Sqrt(v.Sum(x => (double)x * x));
        for (var i = 0; i < v.Length; i++)
            v[i] = (float)(v[i] / n);
        return v;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
