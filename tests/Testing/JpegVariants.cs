namespace FaceAspire.Testing;

/// <summary>Distinct frames from one photo, for tests and the ingest bench: the Api keys frames by sha256, so each
/// variant is a new frame while the picture stays the same.</summary>
public static class JpegVariants
{
    /// <summary>
    /// The JPEG with a COM (FF FE) segment holding <paramref name="text"/> right after SOI: still a valid JPEG of the
    /// same picture, with a new sha256. <paramref name="text"/> is ASCII, at most 65,533 bytes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="jpeg"/> does not start with SOI (FF D8).</exception>
    public static byte[] WithComment(byte[] jpeg, string text)
    {
        if (jpeg.Length < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            throw new ArgumentException("Not a JPEG: no SOI marker.", nameof(jpeg));
        var payload = System.Text.Encoding.ASCII.GetBytes(text);
        var result = new byte[jpeg.Length + 4 + payload.Length];
        result[0] = 0xFF;
        result[1] = 0xD8;
        result[2] = 0xFF;
        result[3] = 0xFE;
        result[4] = (byte)((payload.Length + 2) >> 8);
        result[5] = (byte)(payload.Length + 2);
        payload.CopyTo(result, 6);
        jpeg.AsSpan(2).CopyTo(result.AsSpan(6 + payload.Length));
        return result;
    }
}
