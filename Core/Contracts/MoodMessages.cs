namespace FaceAspire.Core.Contracts;

/// <summary>
/// Request (request/response over the bus, queue <c>analyze-mood</c>): the emotion, age and gender of the LARGEST
/// face of one image. Answered by a Worker with <see cref="MoodAnalyzed"/> or <see cref="ImageRejected"/>.
/// Unlike <see cref="AnalyzeFrame"/> the bytes travel in the message: mood frames are small webcam stills that are
/// not stored, and the caller waits for the answer (the request's time-to-live is the caller's timeout).
/// </summary>
/// <param name="Image">Encoded JPEG or PNG bytes (already header-checked by the Api).</param>
/// <param name="MinFaceSize">Smallest accepted face box side, pixels; a smaller largest face is rejected.</param>
public sealed record AnalyzeMood(byte[] Image, int MinFaceSize);

/// <summary>A face box in pixels of the decoded, EXIF-oriented image.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="W">Width (&gt; 0).</param>
/// <param name="H">Height (&gt; 0).</param>
public sealed record FaceBox(float X, float Y, float W, float H);

/// <summary>Response to <see cref="AnalyzeMood"/>.</summary>
/// <param name="DominantEmotion">One of <see cref="EmotionLabels.All"/>.</param>
/// <param name="Probabilities">7 probabilities in [0, 1], <see cref="EmotionLabels.All"/> order, summing to ~1.</param>
/// <param name="Age">Estimated age in years, or null when no age model is configured.</param>
/// <param name="Gender"><c>male</c>/<c>female</c>, or null.</param>
/// <param name="Face">The largest face's box.</param>
/// <param name="FaceCount">Faces found in the image (the largest was analysed).</param>
/// <param name="Width">Image width, pixels.</param>
/// <param name="Height">Image height, pixels.</param>
public sealed record MoodAnalyzed(string DominantEmotion, float[] Probabilities, float? Age, string? Gender, FaceBox Face,
    int FaceCount, int Width, int Height);

/// <summary>
/// Negative response to <see cref="AnalyzeMood"/>, <see cref="IdentifyFaces"/> or <see cref="EnrolPerson"/>: the
/// image cannot give the answer. The Api maps it to 422 (400 for <see cref="ImageRejectionCodes.BadImage"/>).
/// </summary>
/// <param name="Code">One of <see cref="ImageRejectionCodes"/>.</param>
/// <param name="Reason">Human-readable reason, fit to show the user.</param>
/// <param name="Image">Which image (its file name, for multi-image requests), or null.</param>
public sealed record ImageRejected(string Code, string Reason, string? Image = null);

/// <summary>Values of <see cref="ImageRejected.Code"/>.</summary>
public static class ImageRejectionCodes
{
    /// <summary>The bytes could not be decoded.</summary>
    public const string BadImage = "bad_image";
    /// <summary>No face was found.</summary>
    public const string NoFace = "no_face";
    /// <summary>The (largest) face is smaller than the minimum.</summary>
    public const string FaceTooSmall = "face_too_small";
    /// <summary>Enrolment needs exactly one face per image; this one has several.</summary>
    public const string SeveralFaces = "several_faces";
    /// <summary>The person to add faces to does not exist.</summary>
    public const string UnknownPerson = "unknown_person";
    /// <summary>The frame has no stored image (never had one, or retention removed it).</summary>
    public const string NoImage = "no_image";
    /// <summary>Enrolment: the faces match an existing person who carries another name (the Api answers 409).</summary>
    public const string NameConflict = "name_conflict";
}
