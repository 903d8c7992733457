using System.Runtime.InteropServices;

namespace FaceAspire.Vision;

/// <summary>
/// The process environment as native libraries see it (libc's getenv/setenv). On Linux, .NET's
/// Environment.SetEnvironmentVariable changes only a managed copy, so settings that OpenCV and ONNX Runtime read with
/// getenv when they initialise must be put here, before they load.
/// </summary>
internal static partial class NativeEnvironment
{
    /// <summary>The variable's value as libc sees it, or null when unset.</summary>
    public static string? Get(string name) => Marshal.PtrToStringUTF8(getenv(name));

    /// <summary>Sets the variable unless it is already set (setenv with overwrite 0).</summary>
    /// <exception cref="InvalidOperationException">setenv failed.</exception>
    public static void SetIfUnset(string name, string value)
    {
        if (setenv(name, value, 0) != 0)
            throw new InvalidOperationException($"setenv({name}) failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Whether a native library whose file name contains <paramref name="name"/> is mapped into the process.</summary>
    public static bool IsLoaded(string name) =>
        File.Exists("/proc/self/maps") && File.ReadAllText("/proc/self/maps").Contains(name, StringComparison.Ordinal);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint getenv(string name);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int setenv(string name, string value, int overwrite);
}
