using FaceAspire.ApiClient.Contracts;
using System.Diagnostics;
using System.Text.Json;
using FaceAspire.Core.Messaging;
using FaceAspire.Core.Data;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Api.Ingest;

/// <summary>
/// Accepts validated images: every image of a request is validated first (all or nothing), then each is stored
/// with its outbox row through Core's <see cref="FrameIngest"/> (sha256 idempotency), committed together with other
/// requests' images by <see cref="IngestGroupCommit"/>, and the <see cref="OutboxSignal"/> wakes this process's outbox relay.
/// Capture time = EXIF DateTimeOriginal, else the client's timestamp, else now.
/// </summary>
public sealed class IngestService(FrameValidator validator, IngestGroupCommit ingest, OutboxSignal signal, TimeProvider time)
{
    /// <summary>The pipeline's ActivitySource ("FaceAspire.Pipeline"); spans <c>ingest</c>, <c>ingest commit</c>, <c>outbox dispatch</c>.</summary>
    public static readonly ActivitySource Activities = new("FaceAspire.Pipeline");

    /// <summary>Validates all images, then accepts them in order.</summary>
    /// <exception cref="ApiProblemException">An image failed validation (nothing was stored).</exception>
    public async Task<IReadOnlyList<AcceptedFrame>> AcceptAsync(IReadOnlyList<UploadedImage> images, CancellationToken cancellationToken)
    {
        using var activity = Activities.StartActivity("ingest");
        activity?.SetTag("faceaspire.frames", images.Count);
        var prepared = new List<(UploadedImage Image, ImageInfo Info)>(images.Count);
        foreach (var image in images)
            prepared.Add((image, validator.Validate(image)));

        var writes = new List<Task<IngestResult>>(images.Count);
        foreach (var (image, info) in prepared)
        {
            var exif = PhotoMetadata.Read(image.Content, info.Format);
            var received = time.GetUtcNow();
            var (capturedAt, origin) = exif.TakenAt is { } taken ? (taken, "exif")
                : image.Timestamp is { } ts ? (ts, "client") : (received, "received");
            var metadata = BuildMetadata(image, info, exif, origin);
            writes.Add(ingest.AcceptAsync(new IngestItem(image.Content, FrameValidator.MimeType(info.Format), image.Source, capturedAt, metadata),
                cancellationToken));
        }
        var results = await Task.WhenAll(writes);
        if (results.Any(r => r.Created))
            signal.Notify();
        var accepted = results.Select(r => new AcceptedFrame(r.FrameId, r.Status, $"/api/frames/{r.FrameId}", !r.Created)).ToList();
        activity?.SetTag("faceaspire.created", accepted.Count(a => !a.Duplicate));
        return accepted;
    }

    /// <summary>The frame's <c>metadata</c> jsonb: file, format, size, capture-time origin, EXIF time/camera/GPS.</summary>
    internal static string BuildMetadata(UploadedImage image, ImageInfo info, PhotoMetadata exif, string capturedAtOrigin)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteIfNotNull(w, "fileName", image.FileName);
            WriteIfNotNull(w, "source", image.Source);
            if (image.Path is { } path)
            {
                w.WriteString("path", path);
                // The folder, for browsing a photo library by album: everything before the last separator.
                var cut = path.LastIndexOfAny(['/', '\\']);
                if (cut > 0)
                    w.WriteString("folder", path[..cut]);
            }
            w.WriteString("format", info.Format.ToString().ToLowerInvariant());
            w.WriteNumber("bytes", image.Content.Length);
            w.WriteNumber("width", info.Width);
            w.WriteNumber("height", info.Height);
            if (info.Orientation != 1)
                w.WriteNumber("orientation", info.Orientation);
            w.WriteString("capturedAtOrigin", capturedAtOrigin);
            if (image.Timestamp is { } ts)
                w.WriteString("clientTimestamp", ts);
            if (exif != PhotoMetadata.Empty)
            {
                w.WriteStartObject("exif");
                WriteIfNotNull(w, "dateTimeOriginal", exif.TakenAtRaw);
                if (exif.TakenAtRaw is not null)
                    w.WriteBoolean("dateTimeOriginalHasOffset", exif.HasOffset);
                WriteIfNotNull(w, "cameraMake", exif.CameraMake);
                WriteIfNotNull(w, "cameraModel", exif.CameraModel);
                if (exif.Latitude is { } lat && exif.Longitude is { } lon)
                {
                    w.WriteStartObject("gps");
                    w.WriteNumber("latitude", lat);
                    w.WriteNumber("longitude", lon);
                    if (exif.Altitude is { } alt && double.IsFinite(alt))
                        w.WriteNumber("altitude", alt);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteIfNotNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
            w.WriteString(name, value);
    }
}
