using System.Buffers.Binary;
using FaceAspire.Testing;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>Real photos from ../shared/data and hand-made hostile files.</summary>
internal static class Photos
{
    public static byte[] Read(string relative) => File.ReadAllBytes(SharedData.PathOf(relative));

    public static byte[] Obama => Read("identities/face_recognition/knn_examples/test/obama1.jpg");
    public static byte[] Biden => Read("identities/face_recognition/knn_examples/train/biden/biden.jpg");
    public static byte[] Couple => Read("groups/couple.jpg");
    public static byte[] Selfie => Read("groups/hpc203_selfie.jpg");
    /// <summary>Canon EOS 5D Mark III photo whose EXIF DateTimeOriginal is 2016:08:05 12:00:45 (no offset tag).</summary>
    public static byte[] CanonWithExif => Read("identities/deepface/img14.jpg");
    public static byte[] Png => Read("identities/face_recognition/alex-lacamoire.png");

    /// <summary>A JPEG SOI followed by a broken segment: not decodable, header unreadable.</summary>
    public static byte[] CorruptJpeg()
    {
        var data = new byte[4096];
        new Random(7).NextBytes(data);
        data[0] = 0xFF; data[1] = 0xD8; data[2] = 0xFF; data[3] = 0xC0; // SOF0 …
        data[4] = 0x00; data[5] = 0x03;                                    // … with an impossible 1-byte payload
        return data;
    }

    /// <summary>A PNG whose IHDR declares <paramref name="width"/>×<paramref name="height"/> (valid CRCs, tiny IDAT, IEND).</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A PNG with a valid 16×16 IHDR and IEND (valid CRCs) but no IDAT: nothing to decode.</summary>
    public static byte[] PngWithoutImageData()
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, 16);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), 16);
        ihdr[8] = 8; ihdr[9] = 2;
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A GIF89a with a 16×16 logical screen and its trailer, but no frame.</summary>
    public static byte[] GifWithoutFrames() => [.. "GIF89a"u8, 16, 0, 16, 0, 0x00, 0, 0, 0x3B];

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(typed));
        s.Write(len);
    }

    /// <summary>CRC-32 as PNG uses it (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>The photo with a COM segment after SOI holding <paramref name="tag"/>: same picture, new sha256.</summary>
    public static byte[] Variant(byte[] jpeg, string tag) => JpegVariants.WithComment(jpeg, tag);
}
