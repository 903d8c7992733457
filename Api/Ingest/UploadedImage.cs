namespace FaceAspire.Api.Ingest;

/// <summary>One image as the client sent it, before validation.</summary>
/// <param name="Content">The encoded bytes (not decoded by the Api).</param>
/// <param name="FileName">The multipart file name or <c>X-File-Name</c> header; null when none was given.</param>
/// <param name="Source">Camera or uploader name from the form, query, header or JSON; null when none.</param>
/// <param name="Timestamp">Client capture time (ISO-8601 or unix ms), used when the image has no EXIF time.</param>
/// <param name="Part">Where in the request it came from, for error messages (e.g. <c>file 'a.jpg'</c>, <c>body</c>).</param>
public sealed record UploadedImage(byte[] Content, string? FileName, string? Source, DateTimeOffset? Timestamp, string Part);
