using FaceAspire.Vision.Imaging;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Ingest;

/// <summary>
/// Validates an uploaded image BEFORE it is accepted, from its header only (Vision's <see cref="ImageSniffer"/> and
/// <see cref="ImageProbe"/>; no pixel decode and no native image library in the Api): format, declared size, header
/// integrity.
/// Maps Vision's errors to HTTP: not an image / unsupported format → 415, over the byte or pixel limit → 413,
/// damaged or truncated header → 400. Thread-safe singleton.
/// </summary>
public sealed class FrameValidator(IOptions<ApiOptions> options)
{
    private readonly ImageProbe _probe = new(new ImageLimits(options.Value.MaxImageBytes, options.Value.MaxPixels));

    /// <summary>The format and upright size of <paramref name="image"/>.</summary>
    /// <exception cref="ApiProblemException">415, 413 or 400 as described on the class; the detail names the part.</exception>
    public ImageInfo Validate(UploadedImage image)
    {
        ImageInfo info;
        try
        {
            info = _probe.Probe(image.Content);
        }
        catch (UnsupportedImageException e)
        {
            throw ApiProblemException.Unsupported($"{image.Part}: {e.Message}");
        }
        catch (ImageTooLargeException e)
        {
            throw ApiProblemException.TooLarge($"{image.Part}: {e.Message}");
        }
        catch (ImageDecodeException e)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Corrupt image", $"{image.Part}: {e.Message}");
        }
        if (!HasTrailer(image.Content, info.Format))
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Corrupt image",
                $"{image.Part}: the {info.Format.ToString().ToUpperInvariant()} file is cut off (no end marker); was the upload interrupted?");
        return info;
    }

    /// <summary>
    /// True unless a JPEG lacks any EOI marker (FF D9) or a PNG any IEND chunk type — the cheap sign of a file cut
    /// off mid-upload, which the header probe cannot see and the Worker's decoder would reject later. Searched
    /// from the end (vectorised), so trailing data after the marker (some cameras append some) is allowed.
    /// </summary>
    internal static bool HasTrailer(ReadOnlySpan<byte> data, ImageFormat format) => format switch
    {
        // After the first scan: an EXIF thumbnail carries its own EOI inside APP1.
        ImageFormat.Jpeg => data.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) > StartOfScan(data),
        ImageFormat.Png => data.LastIndexOf("IEND"u8) > 8,
        _ => true,
    };

    /// <summary>Offset of the first SOS marker found by walking the marker segments after SOI; 2 when not found.</summary>
    private static int StartOfScan(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length && data[i] == 0xFF)
        {
            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }
            if (marker == 0xDA)
                return i;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                i += 2; // markers without a length
                continue;
            }
            i += 2 + ((data[i + 2] << 8) | data[i + 3]);
        }
        return 2;
    }

    /// <summary>The MIME type stored with a frame of <paramref name="format"/>.</summary>
    public static string MimeType(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Bmp => "image/bmp",
        ImageFormat.Gif => "image/gif",
        ImageFormat.Tga => "image/x-tga",
        ImageFormat.Psd => "image/vnd.adobe.photoshop",
        ImageFormat.Pnm => "image/x-portable-anymap",
        ImageFormat.Hdr => "image/vnd.radiance",
        _ => "application/octet-stream",
    };
}
