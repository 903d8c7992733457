using System.Buffers.Binary;
using System.IO.Compression;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision.Tests.Imaging;

/// <summary>Builds test images in code (no image files in the repository) and finds the shared real photos.</summary>
internal static class TestImages
{
    /// <summary>A smooth, asymmetric RGB pattern: R ramps with x, G with y, B with x+y.</summary>
    public static RgbImage Gradient(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            var row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                row[x * 3] = (byte)(x * 255 / Math.Max(1, width - 1));
                row[x * 3 + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                row[x * 3 + 2] = (byte)((x + y) * 255 / Math.Max(1, width + height - 2));
            }
        }
        return image;
    }

    /// <summary>An image split into four uniformly coloured quadrants (top-left, top-right, bottom-left, bottom-right).</summary>
    public static RgbImage Quadrants(int width, int height, params (byte R, byte G, byte B)[] colours)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                Set(image, x, y, colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]);
        return image;
    }

    public static void Set(RgbImage image, int x, int y, (byte R, byte G, byte B) c)
    {
        var p = image.Pixels.Slice((y * image.Width + x) * 3, 3);
        p[0] = c.R; p[1] = c.G; p[2] = c.B;
    }

    public static (byte R, byte G, byte B) Get(RgbImage image, int x, int y)
    {
        var p = image.Pixels.Slice((y * image.Width + x) * 3, 3);
        return (p[0], p[1], p[2]);
    }

    public static void AssertColour((byte R, byte G, byte B) expected, (byte R, byte G, byte B) actual, int tolerance, string where = "")
    {
        int worst = Math.Max(Math.Abs(expected.R - actual.R), Math.Max(Math.Abs(expected.G - actual.G), Math.Abs(expected.B - actual.B)));
        Assert.True(worst <= tolerance, $"{where}: expected {expected} ± {tolerance}, got {actual}");
    }

    /// <summary>Peak signal-to-noise ratio in dB over all channels (10·log10(255² / MSE)).</summary>
    public static double Psnr(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        double sum = 0;
        var pa = a.Pixels; var pb = b.Pixels;
        for (int i = 0; i < pa.Length; i++) { double d = pa[i] - pb[i]; sum += d * d; }
        double mse = sum / pa.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>
    /// A PNG built chunk by chunk: IHDR, one zlib IDAT of filter-0 scanlines, IEND. <paramref name="samples"/> holds
    /// each row's samples without the filter byte (big-endian for 16-bit).
    /// </summary>
    public static byte[] Png(int width, int height, byte colourType, byte bitDepth, ReadOnlySpan<byte> samples, bool withIend = true)
    {
        int rowBytes = samples.Length / height;
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            raw.Write(samples.Slice(y * rowBytes, rowBytes));
        }
        var zlib = new MemoryStream();
        using (var z = new ZLibStream(zlib, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = bitDepth; ihdr[9] = colourType; // compression, filter, interlace = 0
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", zlib.ToArray());
        if (withIend) WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        png.Write(word);
        var typeAndData = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData.AsSpan(4));
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32Bitwise(typeAndData));
        png.Write(word);
    }

    /// <summary>Bit-at-a-time CRC-32, written independently of the table version under test.</summary>
    public static uint Crc32Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>An 8-bit RGB PNG of the given image.</summary>
    public static byte[] Png(RgbImage image) => Png(image.Width, image.Height, 2, 8, image.Pixels);

    /// <summary>A 24-bit bottom-up BI_RGB BMP (rows padded to 4 bytes, BGR order).</summary>
    public static byte[] Bmp(RgbImage image)
    {
        int rowBytes = (image.Width * 3 + 3) & ~3;
        var bmp = new byte[54 + rowBytes * image.Height];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), image.Height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var (r, g, b) = Get(image, x, y);
                int o = 54 + (image.Height - 1 - y) * rowBytes + x * 3;
                bmp[o] = b; bmp[o + 1] = g; bmp[o + 2] = r;
            }
        return bmp;
    }

    /// <summary>Inserts an APP1 Exif segment (TIFF, one IFD0 entry: Orientation) right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation, bool bigEndian = false)
    {
        var tiff = new byte[8 + 2 + 12 + 4];
        if (bigEndian) { "MM\0*"u8.CopyTo(tiff); } else { "II*\0"u8.CopyTo(tiff); }
        void U16(int at, int v) { if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), (ushort)v); }
        void U32(int at, int v) { if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(tiff.AsSpan(at), v); else BinaryPrimitives.WriteInt32LittleEndian(tiff.AsSpan(at), v); }
        U32(4, 8);          // IFD0 offset
        U16(8, 1);          // one entry
        U16(10, 0x0112);    // Orientation
        U16(12, 3);         // SHORT
        U32(14, 1);         // count
        U16(18, orientation);
        U32(22, 0);         // no IFD1
        return InsertSegment(jpeg, 0xE1, [.. "Exif\0\0"u8, .. tiff]);
    }

    /// <summary>Inserts a marker segment with the given payload right after SOI.</summary>
    public static byte[] InsertSegment(byte[] jpeg, byte marker, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF; segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>Offset of the first byte after the SOS segment, i.e. where entropy-coded data begins.</summary>
    public static int ScanDataStart(byte[] jpeg)
    {
        int pos = 2;
        while (true)
        {
            byte marker = jpeg[pos + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
            if (marker == 0xDA) return pos + 2 + length;
            pos += 2 + length;
        }
    }

    /// <summary>The shared real-data folder (<see cref="FaceAspire.Testing.SharedData.Root"/>), or null.</summary>
    public static string? SharedData => FaceAspire.Testing.SharedData.Root;

    public static byte[] ReadShared(string relativePath) => File.ReadAllBytes(FaceAspire.Testing.SharedData.PathOf(relativePath));
}
