namespace FaceAspire.Core.Identity;

/// <summary>
/// How far a face's embedding can be trusted for identity, in [0, 1]: min(size term, quality), where the size term is
/// the inter-ocular distance (IOD, pixels between the two eye landmarks in the source image) over
/// <see cref="IdentityOptions.FullSizeInterOcularPixels"/>, capped at 1, and quality is the Vision engine's face quality
/// (mean of box size, detection score, frontal pose and sharpness; Vision's <c>FaceQuality</c>). The minimum, not a
/// mean, because either weakness alone makes embeddings of strangers alike: measured on our embedder with
/// <c>bench gate-curve</c> (docs/identity.md), the false-match rate at the match threshold is ≤ 0.15 % on LFW faces with
/// IOD ≥ 14 px and 1.26 % at 13.3 px; among pairs of crowd faces it is 6–15 % when the smaller IOD is under 12 px and
/// 1.1–1.9 % from 12 px on; by this score, 6–12 % under 0.4 against 1.2–2.1 % from 0.4 on. The gate (<see cref="IdentityOptions.MinRecognisability"/>) passes faces at or above
/// its minimum.
/// </summary>
public static class Recognisability
{
    /// <summary>
    /// Distance in pixels between the eye landmarks (indices 0 and 1 of the 5-point layout: right eye, left eye) of
    /// <paramref name="landmarks"/> (x0,y0,…,x4,y4, source pixels). 0 when fewer than 4 values are given.
    /// </summary>
    public static float InterOcularDistance(ReadOnlySpan<float> landmarks)
    {
        if (landmarks.Length < 4)
            return 0;
        float dx = landmarks[2] - landmarks[0], dy = landmarks[3] - landmarks[1];
        return MathF.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>The score of <paramref name="face"/> (see the class summary), in [0, 1]; NaN inputs score 0.</summary>
    /// <param name="face">The face; its landmarks and quality are read.</param>
    /// <param name="fullSizeInterOcularPixels">The IOD, pixels (&gt; 0), at which size stops limiting the score.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fullSizeInterOcularPixels"/> is not positive.</exception>
    public static float Score(FaceObservation face, float fullSizeInterOcularPixels) =>
        Score(InterOcularDistance(face.Landmarks), face.Quality, fullSizeInterOcularPixels);

    /// <summary>The score from a face's inter-ocular distance (source pixels) and quality in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fullSizeInterOcularPixels"/> is not positive.</exception>
    public static float Score(float interOcularDistance, float quality, float fullSizeInterOcularPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fullSizeInterOcularPixels);
        var score = MathF.Min(MathF.Min(interOcularDistance / fullSizeInterOcularPixels, 1f), quality);
        return float.IsNaN(score) ? 0f : Math.Clamp(score, 0f, 1f);
    }
}
