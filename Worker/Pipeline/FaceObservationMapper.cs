using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Security;
using FaceAspire.Vision;
using FaceAspire.Vision.Emotion;

namespace FaceAspire.Worker.Pipeline;

/// <summary>Maps the vision engine's <see cref="FaceAnalysis"/> to Core's <see cref="FaceObservation"/>.</summary>
public static class FaceObservationMapper
{
    // Fails at type load if the two vocabularies ever diverge, instead of storing scores under the wrong labels.
    private static readonly bool SameEmotionOrder = EmotionResult.Labels.SequenceEqual(EmotionLabels.All)
        ? true : throw new InvalidOperationException("Vision and Core disagree on the emotion label order.");

    /// <summary>
    /// One observation per face, in the engine's order. Landmarks become x0,y0,…,x4,y4; the emotion order is the
    /// same FER-2013 order on both sides (checked once per process), so probabilities are copied as they are. The crop
    /// is sealed here (<paramref name="sealer"/>, <see cref="SealedColumns.FaceCrop"/>), before any writer sees it, so
    /// no face crop reaches the database in the clear.
    /// </summary>
    /// <exception cref="InvalidOperationException">The analysis lacks an embedding or emotion (it was run with a
    /// request that turned them off) or reports a landmark count other than 5.</exception>
    public static FaceObservation Map(FaceAnalysis face, ImageSealer sealer)
    {
        _ = SameEmotionOrder;
        var d = face.Detection;
        if (d.Landmarks.Length * 2 != FaceSchema.LandmarkValues)
            throw new InvalidOperationException($"Expected {FaceSchema.LandmarkValues / 2} landmarks, got {d.Landmarks.Length}.");
        var landmarks = new float[FaceSchema.LandmarkValues];
        for (var i = 0; i < d.Landmarks.Length; i++)
        {
            landmarks[2 * i] = d.Landmarks[i].X;
            landmarks[2 * i + 1] = d.Landmarks[i].Y;
        }
        var embedding = face.Embedding ?? throw new InvalidOperationException("The analysis has no embedding.");
        var emotion = face.Emotion ?? throw new InvalidOperationException("The analysis has no emotion.");
        return new FaceObservation(d.Box.X, d.Box.Y, d.Box.W, d.Box.H, landmarks, d.Score, face.Quality, embedding,
            emotion.Probabilities, EmotionLabels.All[emotion.DominantIndex], emotion.Confidence, face.Age, face.Gender,
            sealer.SealOrNull(face.CropJpeg, SealedColumns.FaceCrop));
    }
}
