using System.Runtime.InteropServices;

namespace FaceAspire.Vision;

/// <summary>P/Invoke declarations for native libraries used by the vision engine.</summary>
internal static partial class Interop
{
    /// <summary>
    /// The TurboJPEG C API of libjpeg-turbo 2.1.5 (Debian package libturbojpeg0). Signatures and constants mirror
    /// <c>turbojpeg.h</c> of that release; C <c>unsigned long</c> is <see cref="CULong"/>.
    /// </summary>
    internal static partial class TurboJpeg
    {
        // Only the versioned soname ships without libjpeg-turbo8-dev/libturbojpeg0-dev; dlopen finds it via ld.so.cache.
        internal const string Library = "libturbojpeg.so.0";

        internal const int PixelFormatRgb = 0;   // TJPF_RGB
        internal const int PixelFormatGray = 6;  // TJPF_GRAY
        internal const int PixelFormatCmyk = 11; // TJPF_CMYK

        internal const int ColorspaceRgb = 0;    // TJCS_RGB
        internal const int ColorspaceYCbCr = 1;  // TJCS_YCbCr
        internal const int ColorspaceGray = 2;   // TJCS_GRAY
        internal const int ColorspaceCmyk = 3;   // TJCS_CMYK
        internal const int ColorspaceYcck = 4;   // TJCS_YCCK

        internal const int Subsampling444 = 0;   // TJSAMP_444
        internal const int Subsampling420 = 2;   // TJSAMP_420
        internal const int SubsamplingGray = 3;  // TJSAMP_GRAY

        /// <summary>TJFLAG_LIMITSCANS: refuse progressive JPEGs with more than 500 scans (a known CPU-exhaustion attack).</summary>
        internal const int FlagLimitScans = 32768;

        internal const int ErrorWarning = 0;     // TJERR_WARNING
        internal const int ErrorFatal = 1;       // TJERR_FATAL

        [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
        internal static partial TurboJpegHandle InitDecompress();

        [LibraryImport(Library, EntryPoint = "tjInitCompress")]
        internal static partial TurboJpegHandle InitCompress();

        [LibraryImport(Library, EntryPoint = "tjDestroy")]
        internal static partial int Destroy(nint handle);

        [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
        internal static unsafe partial int DecompressHeader3(
            TurboJpegHandle handle, byte* jpegBuf, CULong jpegSize,
            out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

        [LibraryImport(Library, EntryPoint = "tjDecompress2")]
        internal static unsafe partial int Decompress2(
            TurboJpegHandle handle, byte* jpegBuf, CULong jpegSize,
            byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

        [LibraryImport(Library, EntryPoint = "tjCompress2")]
        internal static unsafe partial int Compress2(
            TurboJpegHandle handle, byte* srcBuf, int width, int pitch, int height, int pixelFormat,
            ref byte* jpegBuf, ref CULong jpegSize, int jpegSubsamp, int jpegQual, int flags);

        [LibraryImport(Library, EntryPoint = "tjFree")]
        internal static unsafe partial void Free(byte* buffer);

        /// <summary>Returns a pointer to a thread-local or per-handle message; valid until the next call on this thread.</summary>
        [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
        internal static partial nint GetErrorStr2(TurboJpegHandle handle);

        [LibraryImport(Library, EntryPoint = "tjGetErrorCode")]
        internal static partial int GetErrorCode(TurboJpegHandle handle);

        /// <summary>The last error or warning text for <paramref name="handle"/>, e.g. "Premature end of JPEG file".</summary>
        internal static string LastError(TurboJpegHandle handle) =>
            Marshal.PtrToStringUTF8(GetErrorStr2(handle)) ?? "unknown TurboJPEG error";
    }
}
