using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using FaceAspire.Core.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Api.Ingest;

/// <summary>
/// Group commit for ingest: images accepted by concurrent requests are written together, one
/// <see cref="FrameIngest.AcceptManyAsync(NpgsqlConnection, IReadOnlyList{IngestItem}, CancellationToken)"/> statement
/// and one commit per batch, by <see cref="ApiOptions.IngestWriters"/> writer loops, each on a
/// <see cref="HeldConnection"/> of its own. No timer: a writer takes whatever has queued while the previous statement
/// ran (up to <see cref="ApiOptions.IngestMaxBatch"/> images or 16 MiB), so one request alone is written at once and a
/// busy Api writes many per commit. Why: one statement and one commit per frame spent half of both cores in
/// PostgreSQL and the context switches around it (perf, twelfth round of docs/performance.md). A 202 is still sent
/// only after the frame's commit.
/// </summary>
public sealed class IngestGroupCommit(NpgsqlDataSource dataSource, FrameIngest ingest, IOptions<ApiOptions> options,
    ILogger<IngestGroupCommit> logger) : BackgroundService
{
    private const long MaxBatchBytes = 16L * 1024 * 1024;

    /// <summary>The meter "FaceAspire.Ingest" (exported with the other FaceAspire.* meters).</summary>
    public static readonly Meter Meter = new("FaceAspire.Ingest");

    /// <summary>Histogram <c>faceaspire.ingest.commit.frames</c>: images per group-commit statement (1 to
    /// <see cref="ApiOptions.IngestMaxBatch"/>); the ingest bench (bench/Bench <c>ingest</c>) prints its mean.</summary>
    public static readonly Histogram<int> FramesPerCommit = Meter.CreateHistogram<int>("faceaspire.ingest.commit.frames", "{frame}",
        "Images written by one group-commit statement");

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly ApiOptions _options = options.Value;

    /// <summary>Stores one image and queues its analysis, committed with whatever else is waiting.</summary>
    /// <param name="item">The image (trace context captured when it was created).</param>
    /// <param name="cancellationToken">Stops waiting; the image may still be stored (posting it again returns
    /// the same frame).</param>
    /// <returns>Its frame, new or the existing one with the same bytes.</returns>
    /// <exception cref="PostgresException">This image's data was refused (e.g. invalid metadata JSON, 22P02), or a
    /// database error failed its batch.</exception>
    /// <exception cref="NpgsqlException">The database is unreachable.</exception>
    public async Task<IngestResult> AcceptAsync(IngestItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item);
        if (!_queue.Writer.TryWrite(pending))
            return (await ingest.AcceptManyAsync([item], cancellationToken))[0]; // stopping: no writer left, write alone
        return await pending.Result.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // On stop, the writers drain what is queued and end; later requests write alone (AcceptAsync).
        stoppingToken.Register(() => _queue.Writer.TryComplete());
        return Task.WhenAll(Enumerable.Range(0, _options.IngestWriters).Select(_ => Task.Run(WriteLoopAsync, CancellationToken.None)));
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_options.IngestMaxBatch);
        await using var connection = new HeldConnection(dataSource);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            long bytes = 0;
            while (batch.Count < _options.IngestMaxBatch && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                bytes += next.Item.Content.Length;
            }
            if (batch.Count > 0)
                await WriteAsync(connection, batch);
        }
    }

    // CancellationToken.None: a statement that has begun is finished so that every waiter gets its answer.
    private async Task WriteAsync(HeldConnection connection, List<Pending> batch)
    {
        // Every frame's trace shows its commit: the statement's span (and Npgsql's under it) sits in the first frame's
        // trace and links the others, and each other frame gets a span of the same interval that links back to it.
        using var activity = IngestService.Activities.StartActivity("ingest commit", ActivityKind.Internal, batch[0].Context,
            links: batch.Skip(1).Where(p => p.Context != default).Select(p => new ActivityLink(p.Context)));
        activity?.SetTag("faceaspire.frames", batch.Count);
        FramesPerCommit.Record(batch.Count);
        using var shared = new SharedCommitSpans(batch, activity);
        try
        {
            var results = await AcceptAsync(connection, batch.Select(p => p.Item).ToList());
            for (var i = 0; i < batch.Count; i++)
                batch[i].Result.TrySetResult(results[i]);
        }
        catch (PostgresException e) when (batch.Count > 1 && IsAboutTheData(e))
        {
            // One image's data failed the whole statement: write each alone, so only that one fails.
            logger.LogWarning("A batch of {Count} frames was refused ({SqlState}: {Message}); writing them one by one", batch.Count, e.SqlState, e.MessageText);
            foreach (var pending in batch)
            {
                try
                {
                    pending.Result.TrySetResult((await AcceptAsync(connection, [pending.Item]))[0]);
                }
                catch (Exception single)
                {
                    pending.Result.TrySetException(single);
                }
            }
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            foreach (var pending in batch)
                pending.Result.TrySetException(e);
        }
    }

    // A held connection that broke while idle (database restarted, backend terminated) fails its next statement; the
    // batch is tried once more on a new connection. Safe to repeat: the first try either committed (the second then
    // finds the same frames by sha256 and reports them as duplicates) or stored nothing.
    private async Task<IngestResult[]> AcceptAsync(HeldConnection connection, IReadOnlyList<IngestItem> items)
    {
        try
        {
            return await ingest.AcceptManyAsync(await connection.GetAsync(), items, CancellationToken.None);
        }
        catch (NpgsqlException e) when (connection.IsBroken)
        {
            logger.LogWarning("The ingest writer's database connection broke ({Message}); writing {Count} frames on a new one",
                e.Message, items.Count);
            return await ingest.AcceptManyAsync(await connection.GetAsync(), items, CancellationToken.None);
        }
    }

    /// <summary>The "ingest commit (batched)" spans of a batch's other frames: started with the statement, each under its own
    /// frame's ingest span and linked to the statement's span; stopped (disposed) when the statement ends. Starting
    /// and stopping them leaves <see cref="Activity.Current"/> as it was, so Npgsql's spans stay under the statement's.</summary>
    private sealed class SharedCommitSpans : IDisposable
    {
        public const string BatchedSpanName = "ingest commit (batched)";

        private readonly List<Activity> _spans = [];

        public SharedCommitSpans(List<Pending> batch, Activity? commit)
        {
            if (commit is null)
                return;
            var current = Activity.Current;
            foreach (var pending in batch.Skip(1).Where(p => p.Context != default))
                if (IngestService.Activities.StartActivity(BatchedSpanName, ActivityKind.Internal, pending.Context,
                        [new("faceaspire.frames", batch.Count)], [new ActivityLink(commit.Context)]) is { } span)
                    _spans.Add(span);
            Activity.Current = current;
        }

        public void Dispose()
        {
            var current = Activity.Current;
            _spans.ForEach(span => span.Dispose());
            Activity.Current = current;
        }
    }

    // SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): a row's content, not the database.
    private static bool IsAboutTheData(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal);

    private sealed class Pending(IngestItem item)
    {
        public IngestItem Item { get; } = item;

        // The request's ingest span (the trace context the item captured): the parent of its commit span.
        public ActivityContext Context { get; } = Core.Messaging.OutboxTracing.Parent(item.Trace.TraceParent, item.Trace.TraceState);

        // Asynchronous continuations: a writer must not run the requests' code on its own loop.
        public TaskCompletionSource<IngestResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
