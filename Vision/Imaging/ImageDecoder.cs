using OpenCvSharp;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Decodes uploaded or captured images to upright RGB with OpenCV's imdecode (libjpeg-turbo, libpng, OpenCV's BMP,
/// GIF and PxM readers; EXIF orientation applied by OpenCV). Before any pixel is decoded, <see cref="ImageProbe"/>
/// checks the header against the limits and the file's structure is walked (JPEG to its EOI, PNG chunk by chunk), so
/// a failure is reported by cause: imdecode itself answers every failure with an empty image and no reason.
/// Thread-safe.
/// </summary>
/// <remarks>
/// Every failure is an <see cref="ImageDecodeException"/> subtype with a message fit to show the user. A JPEG whose
/// entropy-coded data is damaged but complete decodes as libjpeg recovers it (as browsers show it): the damage is a
/// libjpeg warning that OpenCV does not pass on. Transparent PNG pixels are composited over white (what a browser on
/// a default page shows), so transparent borders do not look like dark objects.
/// </remarks>
public sealed class ImageDecoder
{
    // IMREAD_COLOR_RGB (OpenCV 4.12+): libjpeg and libpng write RGB directly, no conversion pass.
    private const ImreadModes ColorRgb = (ImreadModes)256;
    private readonly ImageProbe _probe;

    /// <summary>A decoder enforcing <paramref name="limits"/> (null = <see cref="ImageLimits"/> defaults).</summary>
    /// <exception cref="InvalidOperationException">OpenCV's own pixel cap cannot be made to cover the limits (see
    /// <c>OPENCV_IO_MAX_IMAGE_PIXELS</c> in the README).</exception>
    public ImageDecoder(ImageLimits? limits = null)
    {
        _probe = new ImageProbe(limits);
        OpenCvRuntime.Ensure(_probe.Limits.MaxPixels);
    }

    /// <summary>The limits this decoder enforces.</summary>
    public ImageLimits Limits => _probe.Limits;

    /// <summary>Reads format, upright size and EXIF orientation from the header (see <see cref="ImageProbe.Probe"/>).</summary>
    public ImageInfo Probe(ReadOnlySpan<byte> data) => _probe.Probe(data);

    /// <summary>Decodes the whole image to RGB with EXIF orientation applied (the result is upright).</summary>
    /// <param name="data">The whole encoded file.</param>
    /// <returns>A new image the caller must dispose; Width×Height equal <see cref="Probe"/>'s.</returns>
    /// <exception cref="UnsupportedImageException">Empty, unrecognised, or a format we do not decode.</exception>
    /// <exception cref="ImageTooLargeException">Encoded size or declared pixel count over the limits (checked before decoding).</exception>
    /// <exception cref="TruncatedImageException">The file ends before the image does.</exception>
    /// <exception cref="CorruptImageException">The header or the compressed data is damaged.</exception>
    public RgbImage Decode(ReadOnlySpan<byte> data)
    {
        var (info, transparent) = Prepare(data);
        if (transparent) return DecodeOverWhite(data, info);
        return Checked(ImDecode(data, ColorRgb, info), info);
    }

    /// <summary>
    /// Decodes at reduced size for a thumbnail: libjpeg scales JPEGs by 1/2, 1/4 or 1/8 while decoding (the largest
    /// reduction whose longer side still reaches <paramref name="longerSide"/>), which is much cheaper than decoding in
    /// full and shrinking. Other formats decode in full. Channels in OpenCV's BGR order, ready for JPEG encoding.
    /// </summary>
    /// <returns>A new matrix (CV_8UC3, BGR) the caller disposes.</returns>
    /// <exception cref="ImageDecodeException">As <see cref="Decode"/>.</exception>
    public Mat DecodeForThumbnail(ReadOnlySpan<byte> data, int longerSide)
    {
        var (info, transparent) = Prepare(data);
        if (transparent)
        {
            using var rgb = DecodeOverWhite(data, info);
            var bgr = new Mat();
            Cv2.CvtColor(rgb.Mat, bgr, ColorConversionCodes.RGB2BGR);
            return bgr;
        }
        int longer = Math.Max(info.Width, info.Height), scale = 1;
        if (info.Format == ImageFormat.Jpeg)
            while (scale < 8 && longer / (scale * 2) >= longerSide) scale *= 2;
        var mode = scale switch { 2 => ImreadModes.ReducedColor2, 4 => ImreadModes.ReducedColor4, 8 => ImreadModes.ReducedColor8, _ => ImreadModes.Color };
        var mat = ImDecode(data, mode, info);
        if (mat.Empty())
        {
            mat.Dispose();
            throw Undecodable(info.Format);
        }
        return mat;
    }

    // Header, limits and structure: everything that can be said before pixels are decoded; and whether it is a PNG
    // with transparency, which is composited over white.
    private (ImageInfo Info, bool Transparent) Prepare(ReadOnlySpan<byte> data) => _probe.Inspect(data);

    // imdecode returns an empty matrix for most failures but throws for a few (its own size cap among them).
    private static Mat ImDecode(ReadOnlySpan<byte> data, ImreadModes mode, ImageInfo info)
    {
        try
        {
            return Cv2.ImDecode(data, mode);
        }
        catch (OpenCVException e) when (e.Message.Contains("CV_IO_MAX_IMAGE", StringComparison.Ordinal))
        {
            throw new ImageTooLargeException($"The {info.Format.DisplayName()} image is larger than this process decodes ({OpenCvRuntime.Cap / 1e6:0.#} megapixels).");
        }
        catch (OpenCVException e)
        {
            throw new CorruptImageException($"The {info.Format.DisplayName()} image data is damaged and cannot be decoded.", e);
        }
    }

    private static RgbImage Checked(Mat mat, ImageInfo info)
    {
        if (mat.Empty() || mat.Type() != MatType.CV_8UC3)
        {
            mat.Dispose();
            throw Undecodable(info.Format);
        }
        if (mat.Cols != info.Width || mat.Rows != info.Height)
        {
            var (w, h) = (mat.Cols, mat.Rows);
            mat.Dispose();
            throw new CorruptImageException($"The {info.Format.DisplayName()} file is inconsistent: its header says {info.Width}×{info.Height} but its data is {w}×{h}.");
        }
        return new RgbImage(mat);
    }

    private static CorruptImageException Undecodable(ImageFormat format) =>
        new($"The {format.DisplayName()} image data is damaged and cannot be decoded.");

    private static RgbImage DecodeOverWhite(ReadOnlySpan<byte> data, ImageInfo info)
    {
        using var raw = ImDecode(data, ImreadModes.Unchanged, info);
        if (raw.Empty()) throw Undecodable(info.Format);
        using var eight = new Mat();
        if (raw.Depth() == MatType.CV_16U) raw.ConvertTo(eight, MatType.CV_8U, 1 / 257.0);
        else raw.CopyTo(eight);
        using var bgra = new Mat();
        switch (eight.Channels())
        {
            case 4: eight.CopyTo(bgra); break;
            case 3: Cv2.CvtColor(eight, bgra, ColorConversionCodes.BGR2BGRA); break;
            case 2:
                using (var gray = eight.ExtractChannel(0))
                using (var alpha = eight.ExtractChannel(1))
                    Cv2.Merge([gray, gray, gray, alpha], bgra);
                break;
            default: Cv2.CvtColor(eight, bgra, ColorConversionCodes.GRAY2BGRA); break;
        }
        // out = colour·a + 255·(1 − a), per channel, in floats (only for the rare PNG with transparency).
        using var floats = new Mat();
        bgra.ConvertTo(floats, MatType.CV_32FC4, 1 / 255.0);
        var planes = floats.Split();
        try
        {
            using var inverse = new Mat();
            Cv2.Subtract(Scalar.All(1), planes[3], inverse);
            for (int c = 0; c < 3; c++)
            {
                Cv2.Multiply(planes[c], planes[3], planes[c]);
                Cv2.Add(planes[c], inverse, planes[c]);
            }
            using var bgrFloat = new Mat();
            Cv2.Merge([planes[2], planes[1], planes[0]], bgrFloat); // BGR planes back as RGB
            var rgb = new Mat();
            bgrFloat.ConvertTo(rgb, MatType.CV_8UC3, 255.0);
            return Checked(rgb, info);
        }
        finally
        {
            foreach (var plane in planes) plane.Dispose();
        }
    }
}
