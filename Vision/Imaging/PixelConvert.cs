namespace FaceAspire.Vision.Imaging;

/// <summary>Tight, allocation-free converters from decoder output layouts to interleaved RGB24.</summary>
internal static unsafe class PixelConvert
{
    /// <summary>
    /// CMYK (4 bytes/pixel) to RGB with the naive formula R = (1−C)(1−K). Without a colour-management system this is
    /// an approximation, but faces stay recognisable. Adobe applications (flagged by the APP14 "Adobe" marker, and
    /// also libjpeg-turbo's own encoder) store the samples inverted, 255 = no ink, so then R = C·K/255.
    /// </summary>
    public static void CmykToRgb(ReadOnlySpan<byte> cmyk, Span<byte> rgb, int pixels, bool inverted)
    {
        if (cmyk.Length < pixels * 4 || rgb.Length < pixels * 3) throw new ArgumentException("Buffer too small.");
        fixed (byte* s0 = cmyk)
        fixed (byte* d0 = rgb)
        {
            byte* s = s0, d = d0;
            for (int i = 0; i < pixels; i++, s += 4, d += 3)
            {
                int c = s[0], m = s[1], y = s[2], k = s[3];
                if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                d[0] = Div255(c * k);
                d[1] = Div255(m * k);
                d[2] = Div255(y * k);
            }
        }
    }

    /// <summary>
    /// RGBA (4 bytes/pixel, straight alpha) to RGB composited over white. Transparent PNG pixels often hide
    /// arbitrary colour (frequently black) under alpha 0; white is what a browser shows them as on a default page,
    /// so it matches what the user saw when they chose the image, and keeps borders from looking like dark objects.
    /// </summary>
    public static void RgbaOverWhite(ReadOnlySpan<byte> rgba, Span<byte> rgb, int pixels)
    {
        if (rgba.Length < pixels * 4 || rgb.Length < pixels * 3) throw new ArgumentException("Buffer too small.");
        fixed (byte* s0 = rgba)
        fixed (byte* d0 = rgb)
        {
            byte* s = s0, d = d0;
            for (int i = 0; i < pixels; i++, s += 4, d += 3)
            {
                int a = s[3], white = 255 * (255 - a);
                d[0] = Div255(s[0] * a + white);
                d[1] = Div255(s[1] * a + white);
                d[2] = Div255(s[2] * a + white);
            }
        }
    }

    /// <summary>Copies RGB (3 bytes/pixel) unchanged.</summary>
    public static void Rgb(ReadOnlySpan<byte> src, Span<byte> rgb, int pixels) => src[..(pixels * 3)].CopyTo(rgb);

    /// <summary>Gray (1 byte/pixel) to RGB by replication.</summary>
    public static void GrayToRgb(ReadOnlySpan<byte> gray, Span<byte> rgb, int pixels)
    {
        if (gray.Length < pixels || rgb.Length < pixels * 3) throw new ArgumentException("Buffer too small.");
        fixed (byte* s0 = gray)
        fixed (byte* d0 = rgb)
        {
            byte* s = s0, d = d0;
            for (int i = 0; i < pixels; i++, s++, d += 3) d[0] = d[1] = d[2] = *s;
        }
    }

    /// <summary>Exact round(v / 255) for 0 ≤ v ≤ 255·255 (Blinn, "Three Wrongs Make a Right", 1995).</summary>
    private static byte Div255(int v)
    {
        v += 128;
        return (byte)((v + (v >> 8)) >> 8);
    }
}
