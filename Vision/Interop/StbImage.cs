using System.Runtime.InteropServices;

namespace FaceAspire.Vision;

internal static partial class Interop
{
    /// <summary>
    /// stb_image from Debian's libstb0 (git 2022-09-08, stb_image 2.27), built with thread-local failure reasons, so
    /// concurrent calls are safe as long as nobody calls the global <c>stbi_set_*</c> switches (we never do).
    /// </summary>
    internal static partial class Stb
    {
        internal const string Library = "libstb.so.0";

        /// <summary>Decodes to 8 bits per channel (16-bit PNGs are scaled down); returns null on failure.</summary>
        [LibraryImport(Library, EntryPoint = "stbi_load_from_memory")]
        internal static unsafe partial byte* LoadFromMemory(
            byte* buffer, int len, out int x, out int y, out int channelsInFile, int desiredChannels);

        /// <summary>Reads only the header: 1 on success, 0 if the format is not recognised or the header is bad.</summary>
        [LibraryImport(Library, EntryPoint = "stbi_info_from_memory")]
        internal static unsafe partial int InfoFromMemory(byte* buffer, int len, out int x, out int y, out int comp);

        [LibraryImport(Library, EntryPoint = "stbi_is_16_bit_from_memory")]
        internal static unsafe partial int Is16BitFromMemory(byte* buffer, int len);

        [LibraryImport(Library, EntryPoint = "stbi_failure_reason")]
        internal static partial nint FailureReason();

        [LibraryImport(Library, EntryPoint = "stbi_image_free")]
        internal static unsafe partial void ImageFree(byte* pixels);

        /// <summary>The terse reason of the last failure on this thread, e.g. "bad zlib header".</summary>
        internal static string LastFailure() => Marshal.PtrToStringUTF8(FailureReason()) ?? "unknown stb_image error";
    }
}
