using System.Globalization;
using OpenCvSharp;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Prepares OpenCV before its native library loads. OpenCV reads <c>OPENCV_IO_MAX_IMAGE_PIXELS</c> (its own cap on
/// a decoded image, default 2^30 pixels) with libc's getenv in a static initialiser, once, when
/// libOpenCvSharpExtern.so is loaded; .NET's Environment.SetEnvironmentVariable only changes the managed copy on
/// Linux, so it must be in the native environment before that. Here: when it is set, it must be at least the
/// configured <see cref="ImageLimits.MaxPixels"/>; when it is not and OpenCV is not loaded yet, it is put into the
/// native environment with libc's setenv; when OpenCV is already loaded without it, the process stops with a clear
/// error. Also quietens OpenCV's own log (every failure becomes a typed <see cref="ImageDecodeException"/>) and runs
/// its image operations on the calling thread (the workers run one analysis per core; docs/adr/0015).
/// </summary>
internal static class OpenCvRuntime
{
    internal const string MaxPixelsVariable = "OPENCV_IO_MAX_IMAGE_PIXELS";
    private static readonly Lock Gate = new();
    private static long s_cap;

    /// <summary>The native pixel cap in force, set by the first <see cref="Ensure"/>.</summary>
    public static long Cap => Volatile.Read(ref s_cap);

    /// <summary>Makes sure OpenCV will refuse images over <paramref name="maxPixels"/> (or a larger cap already set).</summary>
    /// <exception cref="InvalidOperationException">The variable is set below <paramref name="maxPixels"/>, or OpenCV
    /// was loaded before it could be set.</exception>
    public static void Ensure(long maxPixels)
    {
        lock (Gate)
        {
            if (s_cap == 0)
                s_cap = Prepare(Math.Max(maxPixels, new ImageLimits().MaxPixels));
            if (maxPixels > s_cap)
                throw new InvalidOperationException(
                    $"{MaxPixelsVariable} is {s_cap} in this process, below the image limit of {maxPixels} pixels: OpenCV would refuse " +
                    $"images the limit allows. Start the process with {MaxPixelsVariable}={maxPixels} in its environment.");
        }
    }

    private static long Prepare(long cap)
    {
        string? set = NativeEnvironment.Get(MaxPixelsVariable);
        if (set is not null)
        {
            if (!long.TryParse(set, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < cap)
                throw new InvalidOperationException(
                    $"{MaxPixelsVariable}={set} in the environment; it must be a whole number of at least {cap} (Vision:Limits:MaxPixels).");
            Configure();
            return value;
        }
        if (NativeEnvironment.IsLoaded("libOpenCvSharpExtern"))
            throw new InvalidOperationException(
                $"OpenCV was loaded before {MaxPixelsVariable} was set, so it decodes images of up to 2^30 pixels. Start the " +
                $"process with {MaxPixelsVariable}={cap} in its environment, or create Vision's decoder before any other OpenCV use.");
        NativeEnvironment.SetIfUnset(MaxPixelsVariable, cap.ToString(CultureInfo.InvariantCulture));
        // OpenCV logs every failed decode as [ERROR]; the caller gets a typed exception with a better message instead.
        NativeEnvironment.SetIfUnset("OPENCV_LOG_LEVEL", "FATAL");
        Configure();
        return cap;
    }

    private static void Configure() => Cv2.SetNumThreads(1);
}
