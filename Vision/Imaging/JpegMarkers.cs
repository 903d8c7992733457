using System.Buffers.Binary;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// What a cheap walk over the JPEG marker segments before the first scan finds (ITU-T T.81 §B.1): where the EXIF
/// block is, whether an Adobe APP14 marker is present, and whether the header ends before the scan does.
/// </summary>
internal readonly record struct JpegMarkers(int ExifOffset, int ExifLength, bool HasAdobe, bool ReachedScan, bool HeaderTruncated)
{
    /// <summary>True when an APP1 segment starting with "Exif\0\0" was found.</summary>
    public bool HasExif => ExifLength > 0;

    /// <summary>Walks segments from SOI to SOS; O(number of segments), reads no entropy-coded data.</summary>
    public static JpegMarkers Scan(ReadOnlySpan<byte> data)
    {
        int exifOffset = 0, exifLength = 0;
        bool adobe = false;
        int pos = 2; // after SOI
        while (true)
        {
            if (pos >= data.Length) return new(exifOffset, exifLength, adobe, false, true);
            // Anything but a marker here is damage; leave the verdict to libjpeg, which words it better.
            if (data[pos] != 0xFF) return new(exifOffset, exifLength, adobe, false, false);
            while (pos < data.Length && data[pos] == 0xFF) pos++; // fill bytes (B.1.1.2)
            if (pos >= data.Length) return new(exifOffset, exifLength, adobe, false, true);
            byte marker = data[pos++];
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue; // TEM, RSTn: no length
            if (marker == 0xD9) return new(exifOffset, exifLength, adobe, false, false); // EOI before any scan
            if (pos + 2 > data.Length) return new(exifOffset, exifLength, adobe, false, true);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2) return new(exifOffset, exifLength, adobe, false, false);
            if (pos + length > data.Length) return new(exifOffset, exifLength, adobe, marker == 0xDA, true);
            var payload = data.Slice(pos + 2, length - 2);
            if (marker == 0xE1 && exifLength == 0 && payload.StartsWith("Exif\0\0"u8))
            {
                exifOffset = pos + 2 + 6;
                exifLength = payload.Length - 6;
            }
            else if (marker == 0xEE && payload.Length >= 12 && payload.StartsWith("Adobe"u8))
            {
                adobe = true;
            }
            if (marker == 0xDA) return new(exifOffset, exifLength, adobe, true, false);
            pos += length;
        }
    }
}
