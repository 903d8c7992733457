using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.IO;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Reads the EXIF Orientation tag (0x0112, values 1..8 per EXIF 2.32 §4.6.4), so the header probe can report the
/// upright size that OpenCV's imdecode (which applies the orientation) will return.
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
}
