namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Walks a GIF's blocks (GIF89a specification, W3C-hosted CompuServe 1990, §17–27) to its first image: the header and
/// logical screen, the global colour table, extensions, then an image descriptor with its LZW data sub-blocks. A file
/// whose trailer comes before any image has nothing to show, and OpenCV reports that only as an empty result.
/// </summary>
internal static class GifBlocks
{
    /// <summary>Checks that a first frame is present and complete.</summary>
    /// <exception cref="TruncatedImageException">The data ends before the first frame does.</exception>
    /// <exception cref="CorruptImageException">A block is neither an extension, an image nor the trailer, or the
    /// trailer comes before any frame.</exception>
    public static void RequireFirstFrame(ReadOnlySpan<byte> gif)
    {
        var pos = 13 + ColourTableSize(gif[10]); // header (6) + logical screen descriptor (7) + global table
        while (true)
        {
            if (pos >= gif.Length)
                throw new TruncatedImageException("The GIF file is cut off before its first frame.");
            switch (gif[pos])
            {
                case 0x21: // extension: label, then data sub-blocks
                    pos = SkipSubBlocks(gif, pos + 2);
                    break;
                case 0x2C: // image descriptor (10 bytes), local table, LZW minimum code size, data sub-blocks
                    if (pos + 10 > gif.Length)
                        throw new TruncatedImageException("The GIF file is cut off inside its first frame's header.");
                    SkipSubBlocks(gif, pos + 10 + ColourTableSize(gif[pos + 9]) + 1);
                    return;
                case 0x3B:
                    throw new CorruptImageException("The GIF file is damaged: it has no frames (its trailer comes before any image).");
                default:
                    throw new CorruptImageException($"The GIF file is damaged: unexpected block 0x{gif[pos]:X2} at byte {pos}.");
            }
        }
    }

    // A packed-field byte's colour table: flag bit 7, size 2^(n+1) entries of 3 bytes.
    private static int ColourTableSize(byte packed) => (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int pos)
    {
        while (true)
        {
            if (pos >= gif.Length)
                throw new TruncatedImageException("The GIF file is cut off in the middle of its data.");
            int size = gif[pos];
            if (size == 0)
                return pos + 1;
            pos += 1 + size;
        }
    }
}
