using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.IO;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Reads the EXIF Orientation tag (0x0112, values 1..8 per EXIF 2.32 §4.6.4) and turns stored pixels upright.
/// </summary>
internal static class ExifOrientation
{
    /// <summary>Orientation from the TIFF block of an APP1 segment (after "Exif\0\0"); 1 when absent or broken.</summary>
    public static int Read(ReadOnlySpan<byte> tiff)
    {
        try
        {
            var directories = new ExifReader().Extract(new ByteArrayReader(tiff.ToArray()));
            foreach (var directory in directories)
            {
                if (directory is ExifIfd0Directory ifd0
                    && ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out int orientation)
                    && orientation is >= 1 and <= 8)
                {
                    return orientation;
                }
            }
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException
                                      or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            // Phones and editors write plenty of malformed EXIF; a bad tag must not cost us an otherwise good photo.
        }
        return 1;
    }

    /// <summary>True for orientations 5..8, whose upright image has width and height swapped.</summary>
    public static bool SwapsAxes(int orientation) => orientation >= 5;

    /// <summary>
    /// Returns an upright copy of <paramref name="src"/> (the stored pixels) for <paramref name="orientation"/> 2..8;
    /// for 1 returns <paramref name="src"/> itself. The caller disposes whichever image it no longer needs.
    /// </summary>
    public static unsafe RgbImage Apply(RgbImage src, int orientation)
    {
        if (orientation is < 2 or > 8) return src;
        int w = src.Width, h = src.Height;
        var dst = SwapsAxes(orientation) ? new RgbImage(h, w) : new RgbImage(w, h);
        // Output pixel (x, y) reads stored pixel origin + x·stepX + y·stepY (byte offsets); derived from the EXIF
        // definitions of where the stored row 0 / column 0 belong visually.
        long row = w * 3L, px = 3;
        (long origin, long stepX, long stepY) = orientation switch
        {
            2 => ((w - 1) * px, -px, row),                          // mirror left-right
            3 => ((h - 1) * row + (w - 1) * px, -px, -row),         // rotate 180°
            4 => ((h - 1) * row, px, -row),                         // mirror top-bottom
            5 => (0L, row, px),                                     // transpose
            6 => ((h - 1) * row, -row, px),                         // rotate 90° clockwise
            7 => ((h - 1) * row + (w - 1) * px, -row, -px),         // transverse
            _ => ((w - 1) * px, row, -px),                          // 8: rotate 90° counter-clockwise
        };
        fixed (byte* s = src.Pixels)
        fixed (byte* d = dst.Pixels)
        {
            byte* o = d;
            for (int y = 0; y < dst.Height; y++)
            {
                byte* p = s + origin + y * stepY;
                for (int x = 0; x < dst.Width; x++, o += 3, p += stepX)
                {
                    o[0] = p[0];
                    o[1] = p[1];
                    o[2] = p[2];
                }
            }
        }
        return dst;
    }
}
