using System.Buffers.Binary;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Reads format, upright size and EXIF orientation from an image's header and checks them against
/// <see cref="ImageLimits"/>, without decoding pixels or loading any native library: the Api validates uploads
/// with it, and <see cref="ImageDecoder"/> runs it before handing the bytes to OpenCV. Thread-safe.
/// </summary>
/// <param name="limits">Limits to enforce; <c>null</c> = <see cref="ImageLimits"/> defaults.</param>
/// <remarks>Accepted: JPEG, PNG, BMP, GIF (first frame), binary PGM/PPM. Recognised and refused with the format's
/// name: WebP, HEIC, AVIF, TIFF, TGA, PSD, Radiance HDR.</remarks>
public sealed class ImageProbe(ImageLimits? limits = null)
{
    /// <summary>The limits this probe enforces.</summary>
    public ImageLimits Limits { get; } = limits ?? new ImageLimits();

    /// <summary>
    /// Reads the header (<see cref="Probe"/>) and walks the file's structure, still without decoding a pixel: a JPEG's
    /// marker segments and scans to its EOI, a PNG's chunks with their lengths and CRCs to IEND (and at least one IDAT),
    /// a GIF's blocks to the end of its first frame. This is what tells "cut off" and "damaged" from a decodable file
    /// before a decoder is asked; the Api runs it on every upload (one pass over the bytes, ~1 ms per MB).
    /// </summary>
    /// <param name="data">The whole encoded file.</param>
    /// <returns>The header's facts, and whether the image is a PNG with transparency (colour type 4 or 6, or tRNS).</returns>
    /// <exception cref="ImageDecodeException">As <see cref="Probe"/>, and <see cref="TruncatedImageException"/> or
    /// <see cref="CorruptImageException"/> for a structure that ends early or does not hold together.</exception>
    public (ImageInfo Info, bool Transparent) Inspect(ReadOnlySpan<byte> data)
    {
        var info = Probe(data);
        switch (info.Format)
        {
            case ImageFormat.Jpeg when !JpegMarkers.Scan(data, throughScans: true).Complete:
                throw new TruncatedImageException("The JPEG file is cut off: it ends before all of the image data (the upload or copy was probably interrupted).");
            case ImageFormat.Png:
                return (info, PngChunks.Verify(data));
            case ImageFormat.Gif:
                GifBlocks.RequireFirstFrame(data);
                break;
        }
        return (info, false);
    }

    /// <summary>Reads the header.</summary>
    /// <param name="data">The whole encoded file.</param>
    /// <exception cref="UnsupportedImageException">Empty, unrecognised, or a format we do not decode.</exception>
    /// <exception cref="ImageTooLargeException">The file exceeds <see cref="ImageLimits.MaxEncodedBytes"/> or the header declares more than <see cref="ImageLimits.MaxPixels"/>.</exception>
    /// <exception cref="TruncatedImageException">The file ends inside its header.</exception>
    /// <exception cref="CorruptImageException">The header cannot be parsed or declares an impossible size.</exception>
    public ImageInfo Probe(ReadOnlySpan<byte> data)
    {
        var format = CheckContainer(data);
        int orientation = 1;
        (int width, int height) = format switch
        {
            ImageFormat.Jpeg => JpegSize(data, out orientation),
            ImageFormat.Png => PngChunks.ReadHeader(data),
            ImageFormat.Bmp => BmpSize(data),
            ImageFormat.Gif => GifSize(data),
            _ => PnmSize(data),
        };
        CheckPixels(format, width, height);
        return ExifOrientation.SwapsAxes(orientation)
            ? new ImageInfo(format, height, width, orientation)
            : new ImageInfo(format, width, height, orientation);
    }

    private static (int, int) JpegSize(ReadOnlySpan<byte> data, out int orientation)
    {
        var markers = JpegMarkers.Scan(data, throughScans: false);
        if (markers.HeaderTruncated)
            throw new TruncatedImageException("The JPEG file is cut off: it ends inside its header, before any image data.");
        if (!markers.HasFrame)
            throw new CorruptImageException("The JPEG file's header is damaged: it has no readable frame header (SOF).");
        if (markers.Width == 0 || markers.Height == 0)
            throw new CorruptImageException($"The JPEG header declares an impossible size of {markers.Width}×{markers.Height} pixels.");
        orientation = markers.HasExif ? ExifOrientation.Read(data.Slice(markers.ExifOffset, markers.ExifLength)) : 1;
        return (markers.Width, markers.Height);
    }

    // BITMAPCOREHEADER (12 bytes, 16-bit sides) or BITMAPINFOHEADER and later (32-bit; negative height = top-down).
    private static (int, int) BmpSize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 26) throw new TruncatedImageException("The BMP file is cut off inside its header.");
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        long width, height;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
        }
        else if (headerSize is >= 40 and <= 124)
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
        }
        else throw new CorruptImageException($"The BMP file's header is damaged (header size {headerSize}).");
        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
            throw new CorruptImageException($"The BMP header declares an impossible size of {width}×{height} pixels.");
        return ((int)width, (int)height);
    }

    // The logical screen; OpenCV decodes the first frame onto a canvas of this size.
    private static (int, int) GifSize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13) throw new TruncatedImageException("The GIF file is cut off inside its header.");
        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        if (width == 0 || height == 0)
            throw new CorruptImageException($"The GIF header declares an impossible size of {width}×{height} pixels.");
        return (width, height);
    }

    // "P5"/"P6", whitespace and #-comments, width, height, maxval (Netpbm's pgm(5)/ppm(5)).
    private static (int, int) PnmSize(ReadOnlySpan<byte> data)
    {
        int pos = 2;
        Span<long> values = stackalloc long[3];
        for (int i = 0; i < 3; i++)
        {
            while (pos < data.Length && (data[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' || data[pos] == '#'))
            {
                if (data[pos] == '#') while (pos < data.Length && data[pos] != '\n') pos++;
                else pos++;
            }
            int start = pos;
            long value = 0;
            while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9' && value < int.MaxValue) value = value * 10 + (data[pos++] - '0');
            if (pos == data.Length) throw new TruncatedImageException("The PGM/PPM file is cut off inside its header.");
            if (pos == start || value <= 0 || value > int.MaxValue)
                throw new CorruptImageException("The PGM/PPM file's header is damaged.");
            values[i] = value;
        }
        return ((int)values[0], (int)values[1]);
    }

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
            ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.Bmp or ImageFormat.Gif or ImageFormat.Pnm => format,
            _ => throw new UnsupportedImageException(
                $"{format.DisplayName()} images are not supported. Please convert the picture to JPEG or PNG and try again."),
        };
    }

    private void CheckPixels(ImageFormat format, int width, int height)
    {
        long pixels = (long)width * height;
        // The second test keeps the decoded image addressable by one span even if MaxPixels is set very high.
        if (pixels > Limits.MaxPixels || pixels * 4 > Array.MaxLength)
            throw new ImageTooLargeException(
                $"The {format.DisplayName()} image is {width}×{height} pixels ({pixels / 1e6:0.#} megapixels); " +
                $"the largest image accepted is {Limits.MaxPixels / 1e6:0.#} megapixels.");
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
