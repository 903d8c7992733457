using System.Buffers.Binary;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// PNG structure checks made before the pixels are handed to libpng (inside OpenCV, which reports any failure as an
/// empty image with no reason): IHDR for the pixel-limit check, then every chunk's length and CRC-32, at least one
/// IDAT and the final IEND (PNG spec, W3C 2003, §5.3–5.6), so that "cut off" and "damaged" are told apart.
/// </summary>
internal static class PngChunks
{
    private const int SignatureLength = 8;
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Width and height declared by IHDR.</summary>
    /// <exception cref="TruncatedImageException">The file ends inside IHDR.</exception>
    /// <exception cref="CorruptImageException">IHDR is missing or declares a zero or out-of-range size.</exception>
    public static (int Width, int Height) ReadHeader(ReadOnlySpan<byte> png)
    {
        if (png.Length < SignatureLength + 8 + 13 + 4)
            throw new TruncatedImageException("The PNG file is cut off before the end of its header (IHDR).");
        var chunk = png[SignatureLength..];
        if (BinaryPrimitives.ReadUInt32BigEndian(chunk) != 13 || !chunk.Slice(4, 4).SequenceEqual("IHDR"u8))
            throw new CorruptImageException("The PNG file is damaged: its first chunk is not a valid IHDR header.");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(chunk[8..]);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(chunk[12..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new CorruptImageException($"The PNG header declares an impossible size of {width}×{height} pixels.");
        return ((int)width, (int)height);
    }

    /// <summary>
    /// Verifies every chunk up to IEND and says whether the image has transparency (colour type 4 or 6, or a tRNS
    /// chunk). Costs one CRC pass over the file (≈1 ms per MB).
    /// </summary>
    /// <exception cref="TruncatedImageException">A chunk runs past the end of the data or IEND is missing.</exception>
    /// <exception cref="CorruptImageException">A chunk's CRC does not match its contents, a length is over 2^31 − 1,
    /// or there is no IDAT (no image data at all).</exception>
    public static bool Verify(ReadOnlySpan<byte> png)
    {
        int pos = SignatureLength;
        bool sawData = false, transparent = png.Length > 25 && png[25] is 4 or 6; // IHDR colour type
        while (true)
        {
            if (pos + 12 > png.Length)
                throw new TruncatedImageException("The PNG file is cut off: it ends before its final IEND chunk.");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            if (length > int.MaxValue)
                throw new CorruptImageException($"The PNG file is damaged: a chunk declares a length of {length} bytes, more than PNG allows.");
            if (pos + 12L + length > png.Length)
                throw new TruncatedImageException("The PNG file is cut off in the middle of its image data.");
            var typeAndData = png.Slice(pos + 4, 4 + (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + (int)length)..]);
            if (Crc32(typeAndData) != stored)
            {
                string type = System.Text.Encoding.ASCII.GetString(typeAndData[..4]);
                throw new CorruptImageException($"The PNG file is damaged: the checksum of its '{type}' chunk does not match.");
            }
            if (typeAndData.StartsWith("IDAT"u8)) sawData = true;
            if (typeAndData.StartsWith("tRNS"u8)) transparent = true;
            if (typeAndData.StartsWith("IEND"u8))
            {
                if (!sawData) throw new CorruptImageException("The PNG file is damaged: it has no image data (no IDAT chunk).");
                return transparent;
            }
            pos += 12 + (int)length;
        }
    }

    /// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected) as used by PNG and zlib.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        var table = CrcTable;
        foreach (byte b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
