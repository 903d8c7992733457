namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Resource limits checked before any pixel memory is allocated. Exceeding either raises
/// <see cref="ImageTooLargeException"/>.
/// </summary>
/// <param name="MaxEncodedBytes">Largest accepted encoded file, in bytes (default 20 MiB).</param>
/// <param name="MaxPixels">Largest accepted width × height declared by the header (default 50 megapixels, ≈150 MB as RGB24).</param>
public sealed record ImageLimits(long MaxEncodedBytes = 20 * 1024 * 1024, long MaxPixels = 50_000_000);

/// <summary>What <see cref="ImageDecoder.Probe"/> learns from a header.</summary>
/// <param name="Format">The container format.</param>
/// <param name="Width">Width in pixels as <see cref="ImageDecoder.Decode"/> returns it, i.e. after EXIF orientation.</param>
/// <param name="Height">Height in pixels after EXIF orientation.</param>
/// <param name="Orientation">EXIF orientation 1..8 (1 = upright, 6 = stored rotated 90° counter-clockwise); 1 when absent or unreadable.</param>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height, int Orientation);
