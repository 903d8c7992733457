using System.Buffers;
using FaceAspire.Vision.Alignment;
using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Models;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision.Tensors;

/// <summary>Builds a face model's input tensor (crop → resample → normalise) and runs it.</summary>
public static class FaceTensor
{
    /// <summary>
    /// The crop-to-image map for a model's crop kind: <c>arcface112</c> (5-point similarity alignment scaled to the
    /// input size), <c>box-square</c> (square on the box with the manifest's margin, default 0.1) or <c>box</c>
    /// (the box grown by margin × its width/height on each side, shifted back inside the image, stretched to the input:
    /// what faceplugin's JavaScript does for fr_age/fr_gender).
    /// </summary>
    /// <exception cref="NotSupportedException">An unknown crop kind.</exception>
    public static Affine2 CropMap(DetectedFace face, Preprocessing p, int width, int height, int imageWidth, int imageHeight) => p.Crop?.ToLowerInvariant() switch
    {
        "arcface112" => FaceAligner.ArcFaceMap(face, width),
        "box-square" => FaceAligner.SquareMap(face.Box, p.Margin ?? 0.1f, width),
        "box" or "none" or null => GrownBox(face.Box, p.Margin ?? 0f, width, height, imageWidth, imageHeight),
        var other => throw new NotSupportedException($"Unknown crop kind '{other}' in the model manifest."),
    };

    private static Affine2 GrownBox(in Box box, float margin, int width, int height, int imageWidth, int imageHeight)
    {
        float w = MathF.Min(box.W * (1 + 2 * margin), imageWidth), h = MathF.Min(box.H * (1 + 2 * margin), imageHeight);
        float x = Math.Clamp(box.X - margin * box.W, 0, imageWidth - w), y = Math.Clamp(box.Y - margin * box.H, 0, imageHeight - h);
        return Affine2.FromRect(x, y, w, h, width, height);
    }

    /// <summary>
    /// Crops the face as the model expects, runs <paramref name="session"/> once and passes the outputs to
    /// <paramref name="read"/> (valid only during the call). Input shape [1, C, H, W] from the manifest.
    /// </summary>
    /// <exception cref="InvalidDataException">The manifest gives the model no input width/height.</exception>
    public static T Run<T>(OnnxSession session, ModelEntry model, RgbImage image, DetectedFace face, Func<OnnxOutputs, T> read) =>
        Run(session, model, image, face, mirrored: false, (outputs, _) => read(outputs));

    /// <summary>
    /// As <see cref="Run{T}(OnnxSession, ModelEntry, RgbImage, DetectedFace, Func{OnnxOutputs, T})"/>; with
    /// <paramref name="mirrored"/> the crop is also fed mirrored left-right (a second run on the same crop) and
    /// <paramref name="read"/> gets both outputs (the second null without it).
    /// </summary>
    public static T Run<T>(OnnxSession session, ModelEntry model, RgbImage image, DetectedFace face, bool mirrored,
        Func<OnnxOutputs, OnnxOutputs?, T> read)
    {
        var p = model.Preprocessing ?? throw new InvalidDataException($"Model '{model.Name}' has no preprocessing in the manifest.");
        int w = p.Width ?? throw new InvalidDataException($"Model '{model.Name}' needs an input width in the manifest.");
        int h = p.Height ?? w;
        int channels = TensorWriter.Channels(p), length = channels * w * h;
        byte[] crop = ArrayPool<byte>.Shared.Rent(w * h * 3);
        float[] input = ArrayPool<float>.Shared.Rent(length);
        try
        {
            Warp.Bilinear(image, CropMap(face, p, w, h, image.Width, image.Height), w, h, crop);
            long[] shape = [1, channels, h, w];
            TensorWriter.Write(crop.AsSpan(0, w * h * 3), w, h, p, input.AsSpan(0, length));
            using var outputs = session.Run(input.AsSpan(0, length), shape);
            if (!mirrored) return read(outputs, null);
            TensorWriter.Write(crop.AsSpan(0, w * h * 3), w, h, p, input.AsSpan(0, length), mirror: true);
            using var flipped = session.Run(input.AsSpan(0, length), shape);
            return read(outputs, flipped);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(crop);
            ArrayPool<float>.Shared.Return(input);
        }
    }
}
