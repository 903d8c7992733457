namespace FaceAspire.Core.Jobs;

/// <summary>The maintenance job kinds (values of <c>jobs.kind</c>, and the <c>{kind}</c> of <c>POST /api/jobs/{kind}</c>).</summary>
public static class JobKinds
{
    /// <summary>Deletes emotion rows and face crops older than the configured days.</summary>
    public const string Retention = "retention";
    /// <summary>DBSCAN-like pass over stored faces that proposes merges (never rewrites persons).</summary>
    public const string Recluster = "recluster";
    /// <summary>Rebuilds the HNSW index on <c>faces.embedding</c>.</summary>
    public const string Reindex = "reindex";
    /// <summary>Recomputes embeddings of faces stored by another embedding model.</summary>
    public const string Reembed = "reembed";

    /// <summary>Queues every failed frame again, except those whose image cannot be decoded or is missing.</summary>
    public const string Reprocess = "reprocess";

    /// <summary>Retries deferred faces (recognisable, no person yet) against the persons and faces stored since; the
    /// worker requests it by itself when new faces have arrived since the last run.</summary>
    public const string RetryDeferred = "retry-deferred";

    /// <summary>Re-wraps stored images' data keys under the current key-encryption key and seals legacy plain images.</summary>
    public const string Reseal = "reseal";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Retention, Recluster, Reindex, Reembed, Reprocess, RetryDeferred, Reseal];

    /// <summary>True for a known kind (ordinal, lower case).</summary>
    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);
}

/// <summary>Values of <c>jobs.status</c>: queued → running → done | failed.</summary>
public static class JobStatus
{
    /// <summary>Requested, RunJob sent, no worker has started it yet.</summary>
    public const string Queued = "queued";
    /// <summary>A worker is running it.</summary>
    public const string Running = "running";
    /// <summary>Finished successfully; <c>result</c> says what it did.</summary>
    public const string Done = "done";
    /// <summary>Failed; <c>error</c> says why.</summary>
    public const string Failed = "failed";

    /// <summary>All four values, in life-cycle order.</summary>
    public static IReadOnlyList<string> All { get; } = [Queued, Running, Done, Failed];
}
