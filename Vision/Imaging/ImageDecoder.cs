namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Decodes uploaded or captured images to upright RGB24. JPEG goes through libjpeg-turbo (TurboJPEG API), the other
/// raster formats through stb_image; EXIF orientation is read with MetadataExtractor only when a JPEG carries an
/// APP1 Exif segment. Thread-safe: each thread reuses its own native decoder handle.
/// </summary>
/// <param name="limits">Size limits enforced before pixel memory is allocated; <c>null</c> = <see cref="ImageLimits"/> defaults.</param>
/// <remarks>
/// Decoded: JPEG (baseline, progressive, grayscale, CMYK/YCCK), PNG (all bit depths; 16-bit reduced to 8), BMP,
/// GIF (first frame), PSD, PNM, HDR, TGA 2.0. Recognised but refused: WebP, HEIC, AVIF, TIFF.
/// Every failure is an <see cref="ImageDecodeException"/> subtype with a message fit to show the user.
/// </remarks>
public sealed class ImageDecoder(ImageLimits? limits = null)
{
    /// <summary>The limits this decoder enforces.</summary>
    public ImageLimits Limits { get; } = limits ?? new ImageLimits();

    /// <summary>Reads format, upright size and EXIF orientation from the header, without decoding pixels.</summary>
    /// <param name="data">The whole encoded file.</param>
    /// <exception cref="UnsupportedImageException">Empty, unrecognised, or a format we do not decode.</exception>
    /// <exception cref="ImageTooLargeException">The file exceeds <see cref="ImageLimits.MaxEncodedBytes"/> or the header declares more than <see cref="ImageLimits.MaxPixels"/>.</exception>
    /// <exception cref="TruncatedImageException">The file ends inside its header.</exception>
    /// <exception cref="CorruptImageException">The header cannot be parsed.</exception>
    public ImageInfo Probe(ReadOnlySpan<byte> data)
    {
        var format = CheckContainer(data);
        if (format == ImageFormat.Jpeg)
        {
            var markers = JpegMarkers.Scan(data);
            var header = TurboJpegCodec.ReadHeader(data, markers);
            CheckPixels(format, header.Width, header.Height, header.BytesPerPixel);
            int orientation = ReadOrientation(data, markers);
            return ExifOrientation.SwapsAxes(orientation)
                ? new ImageInfo(format, header.Height, header.Width, orientation)
                : new ImageInfo(format, header.Width, header.Height, orientation);
        }
        var (width, height, _) = ReadStbHeader(data, format);
        return new ImageInfo(format, width, height, 1);
    }

    /// <summary>Decodes the whole image to RGB24 with EXIF orientation applied (the result is upright).</summary>
    /// <param name="data">The whole encoded file.</param>
    /// <returns>A new image the caller must dispose; Width×Height equal <see cref="Probe"/>'s.</returns>
    /// <exception cref="UnsupportedImageException">Empty, unrecognised, or a format we do not decode.</exception>
    /// <exception cref="ImageTooLargeException">Encoded size or declared pixel count over the limits (checked before decoding).</exception>
    /// <exception cref="TruncatedImageException">The file ends before the image does.</exception>
    /// <exception cref="CorruptImageException">The header or the compressed data is damaged.</exception>
    public RgbImage Decode(ReadOnlySpan<byte> data)
    {
        var format = CheckContainer(data);
        if (format == ImageFormat.Jpeg)
        {
            var markers = JpegMarkers.Scan(data);
            var header = TurboJpegCodec.ReadHeader(data, markers);
            CheckPixels(format, header.Width, header.Height, header.BytesPerPixel);
            int orientation = ReadOrientation(data, markers);
            var stored = TurboJpegCodec.Decode(data, header, markers);
            if (orientation == 1) return stored;
            using (stored) return ExifOrientation.Apply(stored, orientation);
        }
        var (width, height, channels) = ReadStbHeader(data, format);
        if (format == ImageFormat.Png) PngChunks.Verify(data);
        return StbCodec.Decode(data, format, width, height, channels);
    }

    private (int Width, int Height, int Channels) ReadStbHeader(ReadOnlySpan<byte> data, ImageFormat format)
    {
        // PNG's IHDR is read by hand first so that a hostile size is refused with a clear message even where
        // stb_image would reject it with a terse one.
        if (format == ImageFormat.Png)
        {
            var (w, h) = PngChunks.ReadHeader(data);
            CheckPixels(format, w, h, 4);
        }
        var header = StbCodec.ReadHeader(data, format);
        CheckPixels(format, header.Width, header.Height, header.Channels is 2 or 4 ? 4 : 3);
        return header;
    }

    private static int ReadOrientation(ReadOnlySpan<byte> data, in JpegMarkers markers) =>
        markers.HasExif ? ExifOrientation.Read(data.Slice(markers.ExifOffset, markers.ExifLength)) : 1;

    private ImageFormat CheckContainer(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) throw new UnsupportedImageException("The file is empty.");
        if (data.Length > Limits.MaxEncodedBytes)
            throw new ImageTooLargeException(
                $"The file is {Megabytes(data.Length)} MB; the largest image accepted is {Megabytes(Limits.MaxEncodedBytes)} MB.");
        var format = ImageSniffer.Detect(data);
        return format switch
        {
            ImageFormat.Unknown => throw new UnsupportedImageException(
                "The file is not an image in a format we can read. Please use JPEG or PNG (BMP and GIF also work)."),
            ImageFormat.WebP or ImageFormat.Heic or ImageFormat.Avif or ImageFormat.Tiff => throw new UnsupportedImageException(
                $"{format.DisplayName()} images are not supported. Please convert the picture to JPEG or PNG and try again."),
            _ => format,
        };
    }

    private void CheckPixels(ImageFormat format, int width, int height, int workingBytesPerPixel)
    {
        long pixels = (long)width * height;
        // The second test keeps the decode buffer addressable by one .NET array even if MaxPixels is set very high.
        if (pixels > Limits.MaxPixels || pixels * workingBytesPerPixel > Array.MaxLength)
            throw new ImageTooLargeException(
                $"The {format.DisplayName()} image is {width}×{height} pixels ({pixels / 1e6:0.#} megapixels); " +
                $"the largest image accepted is {Limits.MaxPixels / 1e6:0.#} megapixels.");
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
