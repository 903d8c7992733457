using System.Runtime.InteropServices;

namespace FaceAspire.Vision;

/// <summary>A TurboJPEG compressor or decompressor instance (<c>tjhandle</c>); released with <c>tjDestroy</c>.</summary>
internal sealed class TurboJpegHandle : SafeHandle
{
    /// <summary>Called by the LibraryImport marshaller.</summary>
    public TurboJpegHandle() : base(nint.Zero, ownsHandle: true) { }

    /// <inheritdoc />
    public override bool IsInvalid => handle == nint.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Interop.TurboJpeg.Destroy(handle) == 0;
}
