using System.Globalization;
using FaceAspire.Core.Contracts;

namespace FaceAspire.Bench.Chaos;

/// <summary>A stored frame whose faces or emotion rows differ from the calm analysis of its picture.</summary>
public sealed record ChaosMismatch(string Picture, Guid FrameId, string Expected, string Actual);

/// <summary>
/// The figures of one chaos run (<see cref="ChaosRun"/>), computed from what the client saw, the database and the
/// broker; <see cref="Print"/> writes them. Counts are of posts (every request the client made, repeats included) or
/// of frames (distinct accepted frame ids), as each name says.
/// </summary>
public sealed class ChaosReport
{
    internal ChaosReport(ChaosSettings settings, ChaosPost[] posts, ChaosRetry[] retries, List<string> faults,
        Dictionary<Guid, StoredFrame> stored, Dictionary<int, CalmResult> calm, Dictionary<Guid, string> processedTwice,
        long doneEvents, Dictionary<Guid, string> ingestedTwice, long claimedAgain, Dictionary<string, Dictionary<string, int>> errorQueues,
        TimeSpan postingTime, TimeSpan? drainTime, int redeliveriesAbsorbed)
    {
        Settings = settings;
        Posts = posts;
        Retries = retries;
        Faults = faults;
        ProcessedTwice = processedTwice;
        DoneEvents = doneEvents;
        IngestedTwice = ingestedTwice;
        ClaimedAgain = claimedAgain;
        ErrorQueues = errorQueues;
        PostingTime = postingTime;
        DrainTime = drainTime;
        RedeliveriesAbsorbed = redeliveriesAbsorbed;
        var accepted = posts.Where(p => p.FrameId is not null).ToList();
        AcceptedFrames = accepted.Select(p => p.FrameId!.Value).Distinct().Count();
        // The same bytes must always come back as the same frame (the Api's sha256 idempotency key).
        SplitPictures = accepted.GroupBy(p => p.Photo.Sha256).Count(g => g.Select(p => p.FrameId).Distinct().Count() > 1);
        Frames = stored.Values.ToList();
        Lost = accepted.Select(p => p.FrameId!.Value).Distinct()
            .Count(id => !stored.TryGetValue(id, out var f) || f.Status is not (FrameStatus.Done or FrameStatus.Failed));
        Mismatches = accepted.DistinctBy(p => p.FrameId).Where(p => stored.ContainsKey(p.FrameId!.Value))
            .Select(p => Compare(p, stored[p.FrameId!.Value], calm[p.Photo.Picture])).OfType<ChaosMismatch>().ToList();
    }

    /// <summary>The run's settings.</summary>
    public ChaosSettings Settings { get; }
    /// <summary>Every post and how it ended.</summary>
    public ChaosPost[] Posts { get; }
    /// <summary>Every retry of the client's pipeline.</summary>
    public ChaosRetry[] Retries { get; }
    /// <summary>The faults, when and how long, in order.</summary>
    public List<string> Faults { get; }
    /// <summary>The accepted frames as stored.</summary>
    public List<StoredFrame> Frames { get; }
    /// <summary>Distinct frames the Api accepted (202).</summary>
    public int AcceptedFrames { get; }
    /// <summary>Pictures (one sha256) answered with more than one frame id: must be 0.</summary>
    public int SplitPictures { get; }
    /// <summary>Accepted frames missing, or neither done nor failed after the drain: must be 0.</summary>
    public int Lost { get; }
    /// <summary>Frames whose analysis committed more than once, with the evidence: must be empty.</summary>
    public Dictionary<Guid, string> ProcessedTwice { get; }
    /// <summary><c>FrameAnalyzed</c> (done) outbox rows of the accepted frames: one per done frame.</summary>
    public long DoneEvents { get; }
    /// <summary>Pictures stored twice or frames queued twice by ingest: must be empty.</summary>
    public Dictionary<Guid, string> IngestedTwice { get; }
    /// <summary>Accepted frames a worker claimed more than once (a redelivery after a fault, or a retry).</summary>
    public long ClaimedAgain { get; }
    /// <summary>Worker log lines of a delivery that found its frame already stored (counted from the logs kept; a
    /// SIGKILLed worker's last lines may be missing).</summary>
    public int RedeliveriesAbsorbed { get; }
    /// <summary>Frames whose faces or emotion rows differ from the calm analysis: must be empty.</summary>
    public List<ChaosMismatch> Mismatches { get; }
    /// <summary>Error queues with messages: queue → reason → count.</summary>
    public Dictionary<string, Dictionary<string, int>> ErrorQueues { get; }
    /// <summary>From the first post to the end of the last (retries included).</summary>
    public TimeSpan PostingTime { get; }
    /// <summary>From the end of the last post until every accepted frame had settled; null when it never did.</summary>
    public TimeSpan? DrainTime { get; }

    /// <summary>Posts that got 202.</summary>
    public int Accepted => Posts.Count(p => p.FrameId is not null);

    /// <summary>Posts the client gave up on: reason → count.</summary>
    public Dictionary<string, int> Refused => Posts.Where(p => p.Refusal is not null).GroupBy(p => p.Refusal!).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Writes the figures.</summary>
    public void Print(TextWriter o)
    {
        string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        o.WriteLine($"faults:");
        foreach (var fault in Faults) o.WriteLine($"  {fault}");
        o.WriteLine($"posted      {Posts.Length} ({Posts.Count(p => p.Photo.Repeat)} exact repeats of earlier posts) in {F(PostingTime.TotalSeconds)} s");
        o.WriteLine($"accepted    {Accepted} posts (202) = {AcceptedFrames} frames; {Posts.Count(p => p.Duplicate)} answered as duplicates; pictures split over two frames: {SplitPictures}");
        o.WriteLine($"refused     {Posts.Length - Accepted}" + string.Concat(Refused.Select(kv => $"\n  {kv.Value} × {kv.Key}")));
        o.WriteLine($"retries     {Retries.Length} by the client's pipeline, by cause (Retry-After sent → waits):");
        foreach (var g in Retries.GroupBy(r => r.Cause).OrderByDescending(g => g.Count()))
        {
            var waits = g.Select(r => r.Delay.TotalSeconds).Order().ToList();
            var withHeader = g.Where(r => r.RetryAfter is not null).ToList();
            var followed = withHeader.Count(r => Math.Abs((r.Delay - r.RetryAfter!.Value).TotalSeconds) < 0.05);
            o.WriteLine($"  {g.Count(),5} × {g.Key}: Retry-After on {withHeader.Count}" +
                        (withHeader.Count > 0 ? $" ({string.Join(", ", withHeader.Select(r => F(r.RetryAfter!.Value.TotalSeconds) + " s").Distinct())}), waited exactly that on {followed}" : "") +
                        $"; waits min {F(waits[0])} s, median {F(waits[waits.Count / 2])} s, max {F(waits[^1])} s");
        }
        var done = Frames.Count(f => f.Status == FrameStatus.Done);
        o.WriteLine($"done        {done} frames, {Frames.Where(f => f.Status == FrameStatus.Done).Sum(f => f.Faces)} faces");
        o.WriteLine($"failed      {Frames.Count(f => f.Status == FrameStatus.Failed)}" + string.Concat(Frames.Where(f => f.Status == FrameStatus.Failed)
            .GroupBy(f => Cut(f.Error ?? "", 120)).Select(g => $"\n  {g.Count()} × {g.Key}")));
        o.WriteLine($"lost        {Lost}");
        o.WriteLine($"processed twice {ProcessedTwice.Count} ({DoneEvents} FrameAnalyzed(done) outbox rows for {done} done frames)" + string.Concat(ProcessedTwice.Take(10).Select(kv => $"\n  {kv.Key}: {kv.Value}")));
        o.WriteLine($"ingested twice  {IngestedTwice.Count}" + string.Concat(IngestedTwice.Take(10).Select(kv => $"\n  {kv.Key}: {kv.Value}")));
        o.WriteLine($"redelivered and absorbed: {ClaimedAgain} frames claimed again; {RedeliveriesAbsorbed} deliveries found their frame stored already");
        o.WriteLine($"faces/emotions per frame vs calm: {AcceptedFrames - Mismatches.Count} equal, {Mismatches.Count} differ" +
                    string.Concat(Mismatches.Take(20).Select(m => $"\n  {m.Picture} ({m.FrameId}): calm {m.Expected}, stored {m.Actual}")));
        o.WriteLine($"error queues {(ErrorQueues.Count == 0 ? "empty" : "")}" + string.Concat(ErrorQueues.SelectMany(q =>
            q.Value.Select(r => $"\n  {q.Key}: {r.Value} × {r.Key}"))));
        o.WriteLine(DrainTime is { } d ? $"drained     {F(d.TotalSeconds)} s after the last post ended" : "drained     NO (timed out)");
    }

    /// <summary>True when nothing was lost, split, ingested or processed twice, every frame matches the calm run and
    /// the error queues are empty.</summary>
    public bool ExactlyOnce => Lost == 0 && SplitPictures == 0 && ProcessedTwice.Count == 0 && IngestedTwice.Count == 0
                               && Mismatches.Count == 0 && ErrorQueues.Count == 0 && DrainTime is not null;

    private static ChaosMismatch? Compare(ChaosPost post, StoredFrame frame, CalmResult calm)
    {
        // An undecodable picture fails for good in both runs; any other failure is a difference.
        if (calm.Faces is null)
            return frame.Status == FrameStatus.Failed && FrameFailures.IsAboutTheImage(frame.Error) ? null
                : new ChaosMismatch(post.Photo.Name, frame.Id, "undecodable", $"{frame.Status} {frame.Error}");
        var expected = $"{calm.Faces} faces, {calm.Faces} emotion rows [{calm.Emotions}]";
        var actual = frame.Status == FrameStatus.Done
            ? $"{frame.Faces} faces, {frame.EmotionRows} emotion rows [{frame.Emotions}]"
            : $"{frame.Status}: {frame.Error}";
        return expected == actual ? null : new ChaosMismatch(post.Photo.Name, frame.Id, expected, actual);
    }

    private static string Cut(string s, int n) => s.Length > n ? s[..n] + "…" : s;
}
