namespace FaceAspire.Vision.Imaging;

/// <summary>Base of every error raised for input that is not a usable image. Callers map it to a 4xx, never a 5xx.</summary>
public abstract class ImageDecodeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The bytes are not in a format we decode (not an image at all, or e.g. GIF/WebP/HEIC). HTTP 415.</summary>
public sealed class UnsupportedImageException(string message) : ImageDecodeException(message);

/// <summary>The bytes claim a supported format but cannot be decoded (bad header, bad entropy data). HTTP 400.</summary>
public sealed class CorruptImageException(string message, Exception? inner = null) : ImageDecodeException(message, inner);

/// <summary>The data ends before the image does (e.g. a JPEG cut off mid-scan). HTTP 400.</summary>
public sealed class TruncatedImageException(string message) : ImageDecodeException(message);

/// <summary>The encoded size or the declared pixel count exceeds the configured limit. HTTP 413.</summary>
public sealed class ImageTooLargeException(string message) : ImageDecodeException(message);
