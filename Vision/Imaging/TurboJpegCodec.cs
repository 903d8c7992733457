using System.Buffers;
using System.Runtime.InteropServices;
using TJ = FaceAspire.Vision.Interop.TurboJpeg;

namespace FaceAspire.Vision.Imaging;

/// <summary>libjpeg-turbo decoding and encoding with one reusable handle per thread (no locks, no per-call init).</summary>
internal static unsafe class TurboJpegCodec
{
    [ThreadStatic] private static TurboJpegHandle? t_decompressor;
    [ThreadStatic] private static TurboJpegHandle? t_compressor;

    /// <summary>The frame header: stored size (before EXIF orientation) and TJCS_* colour space.</summary>
    internal readonly record struct Header(int Width, int Height, int Colorspace)
    {
        /// <summary>Bytes per pixel of the largest buffer decoding needs (CMYK is decoded to 4, then converted).</summary>
        public int BytesPerPixel => Colorspace is TJ.ColorspaceCmyk or TJ.ColorspaceYcck ? 4 : 3;
    }

    private static TurboJpegHandle Decompressor => t_decompressor ??= Checked(TJ.InitDecompress(), "decompressor");

    private static TurboJpegHandle Compressor => t_compressor ??= Checked(TJ.InitCompress(), "compressor");

    /// <summary>Reads SOF via tjDecompressHeader3; no pixel memory is allocated.</summary>
    public static Header ReadHeader(ReadOnlySpan<byte> jpeg, in JpegMarkers markers)
    {
        if (markers.HeaderTruncated)
            throw new TruncatedImageException("The JPEG file is cut off: it ends inside its header, before any image data.");
        var handle = Decompressor;
        int rc, width, height, colorspace;
        fixed (byte* p = jpeg)
        {
            rc = TJ.DecompressHeader3(handle, p, new CULong((nuint)jpeg.Length), out width, out height, out _, out colorspace);
        }
        // A warning while reading the header (e.g. stray bytes between markers) still yields a usable size.
        if (rc != 0 && !(TJ.GetErrorCode(handle) == TJ.ErrorWarning && width > 0 && height > 0))
        {
            string message = TJ.LastError(handle);
            DiscardDecompressor();
            if (markers.HeaderTruncated || IsPrematureEnd(message))
                throw new TruncatedImageException("The JPEG file is cut off: it ends inside its header, before any image data.");
            if (IsUnsupportedFeature(message))
                throw new UnsupportedImageException($"This JPEG uses a variant we cannot decode (libjpeg: {message}). Please re-save it as a standard JPEG.");
            throw new CorruptImageException($"The JPEG file's header is damaged and cannot be read (libjpeg: {message}).");
        }
        return new Header(width, height, colorspace);
    }

    /// <summary>Decompresses to RGB24; CMYK/YCCK files are converted here because TurboJPEG cannot do CMYK→RGB.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> jpeg, Header header, in JpegMarkers markers)
    {
        var image = new RgbImage(header.Width, header.Height);
        try
        {
            if (header.Colorspace is TJ.ColorspaceCmyk or TJ.ColorspaceYcck)
            {
                int pixels = header.Width * header.Height;
                byte[] cmyk = ArrayPool<byte>.Shared.Rent(pixels * 4);
                try
                {
                    Decompress(jpeg, cmyk, header, TJ.PixelFormatCmyk, 4, markers);
                    PixelConvert.CmykToRgb(cmyk, image.Pixels, pixels, inverted: markers.HasAdobe);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(cmyk);
                }
            }
            else
            {
                // libjpeg converts grayscale and YCbCr to RGB itself, straight into our buffer.
                Decompress(jpeg, image.Pixels, header, TJ.PixelFormatRgb, 3, markers);
            }
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private static void Decompress(ReadOnlySpan<byte> jpeg, Span<byte> dst, Header header, int pixelFormat, int bytesPerPixel, in JpegMarkers markers)
    {
        var handle = Decompressor;
        int rc;
        fixed (byte* src = jpeg)
        fixed (byte* d = dst)
        {
            rc = TJ.Decompress2(handle, src, new CULong((nuint)jpeg.Length), d, header.Width,
                header.Width * bytesPerPixel, header.Height, pixelFormat, TJ.FlagLimitScans);
        }
        if (rc == 0) return;
        bool warning = TJ.GetErrorCode(handle) == TJ.ErrorWarning;
        string message = TJ.LastError(handle); // libjpeg reports the first warning of the image
        DiscardDecompressor();
        if (IsPrematureEnd(message) || (!warning && markers.HeaderTruncated))
            throw new TruncatedImageException("The JPEG file is cut off: it ends before all of the image data (the upload or copy was probably interrupted).");
        if (warning && IsBenign(message)) return;
        if (!warning && IsUnsupportedFeature(message))
            throw new UnsupportedImageException($"This JPEG uses a variant we cannot decode (libjpeg: {message}). Please re-save it as a standard JPEG.");
        throw new CorruptImageException($"The JPEG image data is damaged and cannot be decoded reliably (libjpeg: {message}).");
    }

    /// <summary>
    /// Compresses packed pixels of a TJPF_* format (RGB, GRAY or CMYK; CMYK is written as Adobe YCCK with inverted
    /// samples, libjpeg-turbo's convention) with the given TJSAMP_* subsampling and quality 1..100.
    /// </summary>
    internal static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int pixelFormat, int subsampling, int quality)
    {
        int bytesPerPixel = pixelFormat switch { TJ.PixelFormatGray => 1, TJ.PixelFormatCmyk => 4, _ => 3 };
        if (pixels.Length < (long)width * height * bytesPerPixel) throw new ArgumentException("Pixel buffer too small.", nameof(pixels));
        var handle = Compressor;
        byte* jpeg = null; // TurboJPEG sizes and allocates the output; we copy it out and tjFree it
        var size = new CULong(0);
        try
        {
            int rc;
            fixed (byte* src = pixels)
            {
                rc = TJ.Compress2(handle, src, width, width * bytesPerPixel, height, pixelFormat, ref jpeg, ref size, subsampling, quality, 0);
            }
            if (rc != 0) throw new InvalidOperationException($"JPEG encoding failed (libjpeg-turbo: {TJ.LastError(handle)}).");
            return new ReadOnlySpan<byte>(jpeg, checked((int)size.Value)).ToArray();
        }
        finally
        {
            if (jpeg != null) TJ.Free(jpeg);
        }
    }

    // JWRN_JPEG_EOF: libjpeg ran out of input and padded the rest of the image with grey.
    private static bool IsPrematureEnd(string message) => message.Contains("Premature end of JPEG file", StringComparison.Ordinal);

    // JWRN_EXTRANEOUS_DATA before EOI: junk after the last MCU, written by some cameras; every pixel decoded fine.
    private static bool IsBenign(string message) =>
        message.Contains("extraneous bytes before marker 0xd9", StringComparison.Ordinal);

    // After a libjpeg error TurboJPEG 2.1 returns without jpeg_abort, leaving the handle mid-header (the next file
    // then fails with "Bogus marker length"), and its warning flag may persist; bad input is rare, so start afresh.
    private static void DiscardDecompressor()
    {
        t_decompressor?.Dispose();
        t_decompressor = null;
    }

    // JERR_BAD_PRECISION ("Unsupported JPEG data precision 12"), JERR_NOT_COMPILED, JERR_CONVERSION_NOTIMPL and kin:
    // valid files using features this libjpeg-turbo build lacks, which is the user's format problem, not damage.
    private static bool IsUnsupportedFeature(string message) =>
        message.StartsWith("Unsupported", StringComparison.Ordinal) || message.Contains("not compiled", StringComparison.Ordinal)
        || message.Contains("not implemented", StringComparison.Ordinal);

    private static TurboJpegHandle Checked(TurboJpegHandle handle, string what)
    {
        if (!handle.IsInvalid) return handle;
        handle.Dispose();
        throw new InvalidOperationException($"libjpeg-turbo could not create a {what} (tjInit failed).");
    }
}
