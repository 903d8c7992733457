using FaceAspire.Vision.Imaging;
using OpenCvSharp;

namespace FaceAspire.Vision.Alignment;

/// <summary>Bilinear resampling of an <see cref="RgbImage"/> under an <see cref="Affine2"/> map (OpenCV warpAffine).</summary>
public static class Warp
{
    /// <summary>
    /// Fills <paramref name="destination"/> (RGB24, <paramref name="width"/> × <paramref name="height"/> × 3 bytes) by
    /// sampling <paramref name="source"/> at <c>map(u, v)</c> with bilinear interpolation; samples outside the image
    /// are black (warpAffine with WARP_INVERSE_MAP and BORDER_CONSTANT, as the models' training crops were made).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static unsafe void Bilinear(RgbImage source, in Affine2 map, int width, int height, Span<byte> destination)
    {
        if (destination.Length < width * height * 3) throw new ArgumentException("Destination is smaller than width × height × 3.");
        fixed (byte* pixels = destination)
        {
            using var target = Mat.FromPixelData(height, width, MatType.CV_8UC3, (nint)pixels);
            Apply(source, map, target);
        }
    }

    /// <summary>Returns a new <paramref name="width"/> × <paramref name="height"/> image sampled under <paramref name="map"/>.</summary>
    public static RgbImage ToImage(RgbImage source, in Affine2 map, int width, int height)
    {
        var image = new RgbImage(width, height);
        Apply(source, map, image.Mat);
        return image;
    }

    private static void Apply(RgbImage source, in Affine2 map, Mat target)
    {
        // Our maps go from crop to image pixels, which is what WARP_INVERSE_MAP expects.
        using var matrix = Mat.FromPixelData(2, 3, MatType.CV_64FC1, new double[] { map.A, map.B, map.C, map.D, map.E, map.F });
        Cv2.WarpAffine(source.Mat, target, matrix, target.Size(), InterpolationFlags.Linear | InterpolationFlags.WarpInverseMap,
            BorderTypes.Constant, Scalar.All(0));
    }
}
