using System.ComponentModel.DataAnnotations;

namespace FaceAspire.Api;

/// <summary>
/// Settings of the ingest API, section <c>"Api"</c> (env <c>Api__MaxImageBytes</c> etc.), validated at start.
/// </summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Api";

    /// <summary>
    /// A key inserted (hashed) into <c>api_keys</c> at start when absent, so a fresh system can be used at once.
    /// The AppHost generates one on first run; never commit a key. Null/empty = none.
    /// </summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>Largest accepted encoded image, bytes (default 20 MiB). Larger → 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxImageBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Largest accepted width × height declared by an image header (default 50 megapixels). Larger → 413.</summary>
    [Range(1, 1_000_000_000)]
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>Most images in one multipart request (default 32). More → 413.</summary>
    [Range(1, 10_000)]
    public int MaxFilesPerRequest { get; set; } = 32;

    /// <summary>How long a valid key's hash stays cached, seconds (default 10); also the revocation delay.</summary>
    [Range(0, 3600)]
    public int ApiKeyCacheSeconds { get; set; } = 10;

    /// <summary>
    /// Most first thumbnail requests one Api process has out to the workers at once (default: its processor count;
    /// <see cref="Apis.ThumbnailGate"/>). A worker decodes the stored photo for each; thumbnails already made do not count.
    /// </summary>
    [Range(1, 1024)]
    public int MaxConcurrentThumbnails { get; set; } = Environment.ProcessorCount;

    /// <summary>First thumbnail requests that may wait for a turn (default 100). More → 503 with <c>Retry-After</c>.</summary>
    [Range(0, 100_000)]
    public int ThumbnailQueueLimit { get; set; } = 100;

    /// <summary>
    /// Writer loops of the ingest group commit (<see cref="Ingest.IngestGroupCommit"/>), default 2: while one
    /// statement runs, the next batch gathers and another writer can send it.
    /// </summary>
    [Range(1, 64)]
    public int IngestWriters { get; set; } = 2;

    /// <summary>Most images written by one group-commit statement (default 64).</summary>
    [Range(1, 10_000)]
    public int IngestMaxBatch { get; set; } = 64;

    /// <summary>Largest page of a list endpoint (JSON), default 500.</summary>
    [Range(1, 100_000)]
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Largest page of a list endpoint when CSV is requested, default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxCsvPageSize { get; set; } = 10_000;

    /// <summary>
    /// Largest request body, bytes: one image of <see cref="MaxImageBytes"/> as base64 JSON (4/3 of it) plus
    /// 1 MiB for the rest of the document and multipart framing. Kestrel's MaxRequestBodySize and the multipart
    /// limits are both set from it, so a request over it gets 413 rather than a reset connection.
    /// </summary>
    public long MaxRequestBytes => MaxImageBytes / 3 * 4 + 4 + 1024 * 1024;
}
