using OpenCvSharp;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// An 8-bit RGB image, row-major and interleaved (R, G, B per pixel, no row padding): pixel (x, y) starts at
/// <c>(y * Width + x) * 3</c>. It owns an OpenCV <see cref="OpenCvSharp.Mat"/> (CV_8UC3, continuous, channels in RGB
/// order, which the embedding and emotion models take; OpenCV's own default is BGR). Dispose it to free the pixels.
/// </summary>
public sealed class RgbImage : IDisposable
{
    private Mat? _mat;

    // The first OpenCV use in a process must come after the pixel cap is in the native environment (OpenCvRuntime).
    static RgbImage() => OpenCvRuntime.Ensure(new ImageLimits().MaxPixels);

    /// <summary>Allocates an image of <paramref name="width"/> × <paramref name="height"/> pixels (contents undefined unless <paramref name="clear"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive, or the image exceeds 2^31 bytes.</exception>
    public RgbImage(int width, int height, bool clear = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)width * height * 3, Array.MaxLength, nameof(width));
        _mat = clear ? new Mat(height, width, MatType.CV_8UC3, Scalar.All(0)) : new Mat(height, width, MatType.CV_8UC3);
    }

    /// <summary>Takes ownership of <paramref name="mat"/> (CV_8UC3, RGB order); a non-continuous one is copied.</summary>
    internal RgbImage(Mat mat)
    {
        if (mat.Type() != MatType.CV_8UC3) throw new ArgumentException($"Expected CV_8UC3, got {mat.Type()}.", nameof(mat));
        if (mat.IsContinuous())
        {
            _mat = mat;
            return;
        }
        _mat = mat.Clone();
        mat.Dispose();
    }

    /// <summary>The pixels as an OpenCV matrix (RGB order), owned by this image: do not dispose it.</summary>
    /// <exception cref="ObjectDisposedException">The image was disposed.</exception>
    public Mat Mat => _mat ?? throw new ObjectDisposedException(nameof(RgbImage));

    /// <summary>Width in pixels (≥ 1).</summary>
    public int Width => Mat.Cols;

    /// <summary>Height in pixels (≥ 1).</summary>
    public int Height => Mat.Rows;

    /// <summary>Bytes per row: <c>Width * 3</c>.</summary>
    public int Stride => Width * 3;

    /// <summary>The pixels, <c>Height * Stride</c> bytes.</summary>
    /// <exception cref="ObjectDisposedException">The image was disposed.</exception>
    public unsafe Span<byte> Pixels => new((void*)Mat.Data, Height * Stride);

    /// <summary>One row of pixels (<c>Stride</c> bytes).</summary>
    public Span<byte> Row(int y) => Pixels.Slice(y * Stride, Stride);

    /// <summary>Frees the pixels.</summary>
    public void Dispose() => Interlocked.Exchange(ref _mat, null)?.Dispose();
}
