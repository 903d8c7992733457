using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision.Detection;

/// <summary>Finds faces in an image. Implementations are thread-safe.</summary>
public interface IFaceDetector
{
    /// <summary>Detects faces, best first. Boxes and landmarks are in <paramref name="image"/>'s pixels.</summary>
    IReadOnlyList<DetectedFace> Detect(RgbImage image);
}

/// <summary>Detector settings (section <c>Vision:Detection</c>).</summary>
public sealed class DetectionOptions
{
    /// <summary>Minimum score in [0, 1] for a face to be kept. 0.6 keeps small crowd faces; OpenCV's default is 0.9.</summary>
    public float ScoreThreshold { get; set; } = 0.6f;

    /// <summary>IoU above which the weaker of two overlapping boxes is suppressed (OpenCV FaceDetectorYN default 0.3).</summary>
    public float NmsThreshold { get; set; } = 0.3f;

    /// <summary>Images whose longer side exceeds this many pixels are downscaled before detection (speed vs. tiny faces).</summary>
    public int MaxSide { get; set; } = 1280;

    /// <summary>Faces whose box is smaller than this many pixels on its shorter side (original pixels) are dropped.</summary>
    public float MinFaceSize { get; set; } = 16;

    /// <summary>
    /// When nothing is found, retry once with this fraction of the image's size added as black padding on every side:
    /// YuNet misses faces that fill the whole frame (tight crops such as LFW). 0 disables the retry.
    /// </summary>
    public float TightCropPadding { get; set; } = 0.35f;
}
