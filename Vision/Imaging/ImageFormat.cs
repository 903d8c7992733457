using System.Text;

namespace FaceAspire.Vision.Imaging;

/// <summary>Container formats recognised by <see cref="ImageSniffer"/> from their leading magic bytes.</summary>
public enum ImageFormat
{
    /// <summary>No known signature.</summary>
    Unknown,
    /// <summary>JPEG/JFIF/EXIF (FF D8 FF). Decoded by OpenCV (libjpeg-turbo).</summary>
    Jpeg,
    /// <summary>PNG (89 "PNG" 0D 0A 1A 0A). Decoded by OpenCV (libpng).</summary>
    Png,
    /// <summary>Windows bitmap ("BM"). Decoded by OpenCV.</summary>
    Bmp,
    /// <summary>GIF87a/GIF89a; the first frame is decoded by OpenCV.</summary>
    Gif,
    /// <summary>Truevision TGA 2.0 (recognised only by its "TRUEVISION-XFILE." footer; TGA 1.0 has no signature). Not decoded.</summary>
    Tga,
    /// <summary>Photoshop "8BPS". Recognised, not decoded.</summary>
    Psd,
    /// <summary>Binary PGM/PPM ("P5"/"P6"). Decoded by OpenCV.</summary>
    Pnm,
    /// <summary>Radiance RGBE ("#?RADIANCE"/"#?RGBE"). Recognised, not decoded.</summary>
    Hdr,
    /// <summary>WebP (RIFF…WEBP). Recognised, not decoded.</summary>
    WebP,
    /// <summary>HEIF/HEIC (ISO-BMFF ftyp heic/heix/mif1…). Recognised, not decoded.</summary>
    Heic,
    /// <summary>AVIF (ISO-BMFF ftyp avif/avis). Recognised, not decoded.</summary>
    Avif,
    /// <summary>TIFF ("II*\0"/"MM\0*"). Recognised, not decoded.</summary>
    Tiff,
}

/// <summary>Identifies an image container from its first bytes, without decoding (never throws).</summary>
public static class ImageSniffer
{
    /// <summary>Returns the format whose signature <paramref name="data"/> starts with, or <see cref="ImageFormat.Unknown"/>.</summary>
    /// <remarks>Signatures from each format's specification; ISO-BMFF brands from ISO/IEC 23008-12 and the AVIF spec.</remarks>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return ImageFormat.Jpeg;
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return ImageFormat.Png;
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8)) return ImageFormat.Gif;
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8)) return ImageFormat.Tiff;
        if (data.StartsWith("8BPS"u8)) return ImageFormat.Psd;
        if (data.StartsWith("#?RADIANCE"u8) || data.StartsWith("#?RGBE"u8)) return ImageFormat.Hdr;
        if (data.Length >= 14 && data.StartsWith("BM"u8)) return ImageFormat.Bmp;
        if (data.Length >= 3 && data[0] == 'P' && (data[1] == '5' || data[1] == '6') && IsPnmSpace(data[2])) return ImageFormat.Pnm;
        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8)) return IsoBrand(data.Slice(8, 4));
        if (data.Length >= 44 && data[^18..].SequenceEqual("TRUEVISION-XFILE.\0"u8)) return ImageFormat.Tga;
        return ImageFormat.Unknown;
    }

    private static bool IsPnmSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';

    // ISO-BMFF major brand; a tiny string allocation only for files that carry an ftyp box.
    private static ImageFormat IsoBrand(ReadOnlySpan<byte> brand) => Encoding.ASCII.GetString(brand) switch
    {
        "avif" or "avis" => ImageFormat.Avif,
        "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "mif1" or "msf1" => ImageFormat.Heic,
        _ => ImageFormat.Unknown,
    };
}

/// <summary>Names of formats as users know them, for error messages.</summary>
internal static class ImageFormatNames
{
    public static string DisplayName(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG", ImageFormat.Png => "PNG", ImageFormat.Bmp => "BMP", ImageFormat.Gif => "GIF",
        ImageFormat.Tga => "TGA", ImageFormat.Psd => "Photoshop (PSD)", ImageFormat.Pnm => "PNM", ImageFormat.Hdr => "HDR",
        ImageFormat.WebP => "WebP", ImageFormat.Heic => "HEIC/HEIF", ImageFormat.Avif => "AVIF", ImageFormat.Tiff => "TIFF",
        _ => "unknown",
    };
}
