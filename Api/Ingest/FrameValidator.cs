using FaceAspire.Vision.Imaging;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Ingest;

/// <summary>
/// Validates an uploaded image BEFORE it is accepted, from its header and structure only (Vision's
/// <see cref="ImageProbe"/>; no pixel decode and no native image library in the Api): format, declared size, header
/// and structure integrity.
/// Maps Vision's errors to HTTP: not an image / unsupported format → 415, over the byte or pixel limit → 413,
/// damaged or truncated header → 400. Thread-safe singleton.
/// </summary>
public sealed class FrameValidator(IOptions<ApiOptions> options)
{
    private readonly ImageProbe _probe = new(new ImageLimits(options.Value.MaxImageBytes, options.Value.MaxPixels));

    /// <summary>The format and upright size of <paramref name="image"/>, after its header and structure were checked
    /// (<see cref="ImageProbe.Inspect"/>): a file cut off mid-upload, a PNG whose chunk lengths run past its end or
    /// that has no image data, a GIF without frames are refused here, not later by a worker.</summary>
    /// <exception cref="ApiProblemException">415, 413 or 400 as described on the class; the detail names the part.</exception>
    public ImageInfo Validate(UploadedImage image)
    {
        try
        {
            return _probe.Inspect(image.Content).Info;
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
