namespace FaceAspire.Api.Ingest;

/// <summary>Decodes the <c>"image"</c> value of the JSON ingest shape: plain base64 or an RFC 2397 data URL.</summary>
public static class Base64Image
{
    /// <summary>The bytes of <paramref name="text"/>.</summary>
    /// <param name="text"><c>data:image/jpeg;base64,…</c> or bare base64 (standard or URL-safe alphabet, padding optional, whitespace ignored).</param>
    /// <param name="part">Where it came from, for messages.</param>
    /// <param name="maxBytes">Largest decoded size accepted.</param>
    /// <exception cref="ApiProblemException">400 not base64 / a data URL without base64 / empty; 413 over <paramref name="maxBytes"/>.</exception>
    public static byte[] Decode(string text, string part, long maxBytes)
    {
        var payload = text.AsSpan().Trim();
        if (payload.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = payload.IndexOf(',');
            if (comma < 0 || !payload[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw ApiProblemException.BadRequest($"{part}: a data URL must have the form data:image/jpeg;base64,<data>.");
            payload = payload[(comma + 1)..];
        }
        // Upper bound of the decoded size, to refuse a huge string before allocating for it.
        if ((long)payload.Length / 4 * 3 > maxBytes + 3)
            throw ApiProblemException.TooLarge($"{part}: the image is larger than {FrameRequestReader.Mb(maxBytes)} MB.");
        var normalised = Normalise(payload);
        var buffer = new byte[normalised.Length / 4 * 3];
        if (!Convert.TryFromBase64String(normalised, buffer, out var written))
            throw ApiProblemException.BadRequest($"{part}: \"image\" is not valid base64.");
        if (written == 0)
            throw ApiProblemException.BadRequest($"{part}: \"image\" is empty.");
        if (written > maxBytes)
            throw ApiProblemException.TooLarge($"{part}: the image is {FrameRequestReader.Mb(written)} MB; the largest accepted is {FrameRequestReader.Mb(maxBytes)} MB.");
        return written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Standard alphabet with padding, whitespace removed (so URL-safe and unpadded input also decode).</summary>
    private static string Normalise(ReadOnlySpan<char> payload)
    {
        var chars = new char[payload.Length + 3];
        var n = 0;
        foreach (var c in payload)
        {
            if (char.IsWhiteSpace(c))
                continue;
            chars[n++] = c switch { '-' => '+', '_' => '/', _ => c };
        }
        while (n % 4 != 0)
        {
            if (n % 4 == 1)
                return "!"; // cannot be valid base64: forces the 400 path
            chars[n++] = '=';
        }
        return new string(chars, 0, n);
    }
}
