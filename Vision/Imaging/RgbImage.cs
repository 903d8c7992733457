using System.Buffers;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// An 8-bit RGB image, row-major and interleaved (R, G, B per pixel, no row padding): pixel (x, y) starts at
/// <c>(y * Width + x) * 3</c>. The buffer is rented from <see cref="ArrayPool{T}.Shared"/>; dispose to return it.
/// </summary>
public sealed class RgbImage : IDisposable
{
    private byte[]? _buffer;

    /// <summary>Allocates an image of <paramref name="width"/> × <paramref name="height"/> pixels (contents undefined unless <paramref name="clear"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive, or the image exceeds 2^31 bytes.</exception>
    public RgbImage(int width, int height, bool clear = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        long length = (long)width * height * 3;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength, nameof(width));
        Width = width;
        Height = height;
        _buffer = ArrayPool<byte>.Shared.Rent((int)length);
        if (clear) Pixels.Clear();
    }

    /// <summary>Width in pixels (≥ 1).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (≥ 1).</summary>
    public int Height { get; }

    /// <summary>Bytes per row: <c>Width * 3</c>.</summary>
    public int Stride => Width * 3;

    /// <summary>The pixels, <c>Height * Stride</c> bytes.</summary>
    /// <exception cref="ObjectDisposedException">The image was disposed.</exception>
    public Span<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(RgbImage))).AsSpan(0, Height * Stride);

    /// <summary>One row of pixels (<c>Stride</c> bytes).</summary>
    public Span<byte> Row(int y) => Pixels.Slice(y * Stride, Stride);

    /// <summary>Returns the pixel buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
