using System.Buffers.Binary;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// What a walk over a JPEG's marker segments finds (ITU-T T.81 §B.1): the frame size from SOFn, where the EXIF block
/// is, whether the header ends before the first scan, and (when asked to walk the scans too) whether the file reaches
/// its EOI marker. OpenCV's imdecode returns an empty image with no reason for a truncated file, so this
/// walk is what tells "cut off" from "damaged".
/// </summary>
internal readonly record struct JpegMarkers(int Width, int Height, int ExifOffset, int ExifLength, bool HeaderTruncated, bool Complete)
{
    /// <summary>True when an APP1 segment starting with "Exif\0\0" was found.</summary>
    public bool HasExif => ExifLength > 0;

    /// <summary>True when a SOFn segment was read (Width/Height are the stored size, before EXIF orientation).</summary>
    public bool HasFrame => Width > 0 || Height > 0;

    /// <summary>
    /// Walks segments from SOI. With <paramref name="throughScans"/> false it stops at the first SOS (header only,
    /// O(segments)); with true it also skips each scan's entropy-coded data (a vectorised search for the next marker)
    /// through progressive scans to EOI.
    /// </summary>
    public static JpegMarkers Scan(ReadOnlySpan<byte> data, bool throughScans)
    {
        int width = 0, height = 0, exifOffset = 0, exifLength = 0;
        bool inScans = false;
        int pos = 2; // after SOI
        while (true)
        {
            if (pos >= data.Length) return new(width, height, exifOffset, exifLength, !inScans, false);
            // Anything but a marker here is damage; OpenCV's verdict (an empty image) then makes it "corrupt".
            if (data[pos] != 0xFF) return new(width, height, exifOffset, exifLength, false, false);
            while (pos < data.Length && data[pos] == 0xFF) pos++; // fill bytes (B.1.1.2)
            if (pos >= data.Length) return new(width, height, exifOffset, exifLength, !inScans, false);
            byte marker = data[pos++];
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue; // TEM, RSTn: no length
            if (marker == 0xD9) return new(width, height, exifOffset, exifLength, false, inScans); // EOI
            if (pos + 2 > data.Length) return new(width, height, exifOffset, exifLength, !inScans, false);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2) return new(width, height, exifOffset, exifLength, false, false);
            if (pos + length > data.Length) return new(width, height, exifOffset, exifLength, !inScans || marker == 0xDA, false);
            var payload = data.Slice(pos + 2, length - 2);
            if (IsStartOfFrame(marker) && payload.Length >= 6 && width == 0)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(payload[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(payload[3..]);
            }
            else if (marker == 0xE1 && exifLength == 0 && payload.StartsWith("Exif\0\0"u8))
            {
                exifOffset = pos + 2 + 6;
                exifLength = payload.Length - 6;
            }
            pos += length;
            if (marker != 0xDA) continue;
            if (!throughScans) return new(width, height, exifOffset, exifLength, false, false);
            inScans = true;
            pos = SkipEntropyCodedData(data, pos);
        }
    }

    // SOF0-3, 5-7, 9-11, 13-15 (C4 is DHT, C8 is reserved for extensions, CC is DAC).
    private static bool IsStartOfFrame(byte marker) => marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    // Entropy-coded data ends at the first 0xFF that is not a stuffed 0x00, a restart marker or a fill byte.
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> data, int pos)
    {
        while (true)
        {
            int next = data[pos..].IndexOf((byte)0xFF);
            if (next < 0) return data.Length;
            pos += next;
            if (pos + 1 >= data.Length) return data.Length;
            byte following = data[pos + 1];
            if (following == 0x00 || following is >= 0xD0 and <= 0xD7) { pos += 2; continue; }
            if (following == 0xFF) { pos++; continue; }
            return pos;
        }
    }
}
