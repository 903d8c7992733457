using Stb = FaceAspire.Vision.Interop.Stb;

namespace FaceAspire.Vision.Imaging;

/// <summary>stb_image decoding for PNG, BMP, GIF (first frame), TGA, PSD, PNM and HDR.</summary>
internal static unsafe class StbCodec
{
    /// <summary>Size and channel count (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) from the header only.</summary>
    /// <exception cref="CorruptImageException">stb_image cannot parse the header.</exception>
    public static (int Width, int Height, int Channels) ReadHeader(ReadOnlySpan<byte> data, ImageFormat format)
    {
        int ok, width, height, channels;
        fixed (byte* p = data)
        {
            ok = Stb.InfoFromMemory(p, data.Length, out width, out height, out channels);
        }
        if (ok == 0 || width <= 0 || height <= 0)
            throw new CorruptImageException($"The {format.DisplayName()} file's header is damaged or uses a variant we cannot read (stb_image: {Stb.LastFailure()}).");
        return (width, height, channels);
    }

    /// <summary>Full decode to RGB24; images with alpha are composited over white (see <see cref="PixelConvert.RgbaOverWhite"/>).</summary>
    /// <exception cref="CorruptImageException">The pixel data cannot be decoded.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageFormat format, int width, int height, int channels)
    {
        int desired = channels is 2 or 4 ? 4 : 3; // stb expands gray to RGB and gray+alpha to RGBA for us
        byte* pixels;
        int x, y;
        fixed (byte* p = data)
        {
            pixels = Stb.LoadFromMemory(p, data.Length, out x, out y, out _, desired);
        }
        if (pixels == null)
            throw new CorruptImageException($"The {format.DisplayName()} image data is damaged and cannot be decoded (stb_image: {Stb.LastFailure()}).");
        try
        {
            if (x != width || y != height)
                throw new CorruptImageException($"The {format.DisplayName()} file is inconsistent: its header says {width}×{height} but its data is {x}×{y}.");
            var image = new RgbImage(x, y);
            int count = x * y;
            var source = new ReadOnlySpan<byte>(pixels, count * desired);
            if (desired == 4) PixelConvert.RgbaOverWhite(source, image.Pixels, count);
            else PixelConvert.Rgb(source, image.Pixels, count);
            return image;
        }
        finally
        {
            Stb.ImageFree(pixels);
        }
    }
}
