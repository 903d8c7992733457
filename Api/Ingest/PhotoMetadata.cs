using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;

namespace FaceAspire.Api.Ingest;

/// <summary>What the Api keeps from a photo's EXIF block (all optional).</summary>
/// <param name="TakenAt">EXIF DateTimeOriginal (tag 0x9003) with OffsetTimeOriginal (0x9011) when present; EXIF
/// stores local time without a zone, so without the offset tag the value is taken as UTC.</param>
/// <param name="TakenAtRaw">DateTimeOriginal as written in the file, e.g. <c>2019:06:01 14:03:22</c>.</param>
/// <param name="HasOffset">True when <paramref name="TakenAt"/> came with an offset tag.</param>
/// <param name="CameraMake">IFD0 Make.</param>
/// <param name="CameraModel">IFD0 Model.</param>
/// <param name="Latitude">GPS latitude in degrees (south negative).</param>
/// <param name="Longitude">GPS longitude in degrees (west negative).</param>
/// <param name="Altitude">GPS altitude in metres (below sea level negative).</param>
public sealed record PhotoMetadata(DateTimeOffset? TakenAt, string? TakenAtRaw, bool HasOffset, string? CameraMake, string? CameraModel,
    double? Latitude, double? Longitude, double? Altitude)
{
    /// <summary>Nothing known.</summary>
    public static PhotoMetadata Empty { get; } = new(null, null, false, null, null, null, null, null);

    /// <summary>
    /// Reads the EXIF block of a JPEG (APP1 only) or PNG (eXIf chunk) with MetadataExtractor. Never throws:
    /// malformed EXIF is common and must not cost an otherwise good photo, so it yields <see cref="Empty"/>.
    /// </summary>
    public static PhotoMetadata Read(byte[] content, FaceAspire.Vision.Imaging.ImageFormat format)
    {
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            IReadOnlyList<MetadataExtractor.Directory> directories = format switch
            {
                FaceAspire.Vision.Imaging.ImageFormat.Jpeg => JpegMetadataReader.ReadMetadata(stream, [new ExifReader()]),
                FaceAspire.Vision.Imaging.ImageFormat.Png => PngMetadataReader.ReadMetadata(stream),
                _ => [],
            };
            return directories.Count == 0 ? Empty : FromDirectories(directories);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or IndexOutOfRangeException
                                      or InvalidOperationException or OverflowException or FormatException)
        {
            return Empty;
        }
    }

    private static PhotoMetadata FromDirectories(IReadOnlyList<MetadataExtractor.Directory> directories)
    {
        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var sub = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        string? raw = sub?.GetString(ExifDirectoryBase.TagDateTimeOriginal)?.Trim('\0', ' ');
        DateTimeOffset? takenAt = null;
        var hasOffset = false;
        if (raw is { Length: > 0 } && DateTime.TryParseExact(raw, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local) && local.Year >= 1900)
        {
            var offsetText = sub!.GetString(0x9011)?.Trim('\0', ' ');
            if (offsetText is { Length: 6 } && TimeSpan.TryParseExact(offsetText.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture, out var offset))
            {
                takenAt = new DateTimeOffset(local, offsetText[0] == '-' ? -offset : offset).ToUniversalTime();
                hasOffset = true;
            }
            else
            {
                takenAt = new DateTimeOffset(local, TimeSpan.Zero);
            }
        }
        double? lat = null, lon = null, alt = null;
        if (gps is not null)
        {
            var location = gps.GetGeoLocation();
            if (location is { IsZero: false } && double.IsFinite(location.Latitude) && double.IsFinite(location.Longitude))
                (lat, lon) = (location.Latitude, location.Longitude);
            if (gps.TryGetRational(GpsDirectory.TagAltitude, out var a) && a.Denominator != 0)
            {
                var below = gps.TryGetInt32(GpsDirectory.TagAltitudeRef, out var r) && r == 1;
                alt = below ? -a.ToDouble() : a.ToDouble();
            }
        }
        return new PhotoMetadata(takenAt, raw is { Length: > 0 } ? raw : null, hasOffset, Text(ifd0?.GetString(ExifDirectoryBase.TagMake)),
            Text(ifd0?.GetString(ExifDirectoryBase.TagModel)), lat, lon, alt);
    }

    private static string? Text(string? s)
    {
        s = s is null ? null : new string([.. s.Where(c => !char.IsControl(c))]).Trim();
        return string.IsNullOrEmpty(s) ? null : s.Length <= 100 ? s : s[..100];
    }
}
