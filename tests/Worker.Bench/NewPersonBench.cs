using System.Diagnostics;
using FaceAspire.Core.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// New-person throughput: <c>writers</c> concurrent connections, each assigning brand-new faces (random unit vectors:
/// nobody is found) with <see cref="IdentityMatcher.AssignAsync(FaceObservation, FaceOrigin, NpgsqlDataSource, CancellationToken)"/>,
/// one transaction per face (first search, the new-person path, the face's INSERT, the person's counters, COMMIT), as
/// workers do when a crowd of strangers arrives. Every new person passes the new-person lock, so what the matcher
/// does while it holds the lock bounds this figure. Run on the match bench's stored faces.
/// </summary>
internal static class NewPersonBench
{
    private const int Warmup = 5;

    /// <param name="dataSource">The bench database (app role), its faces already stored.</param>
    /// <param name="options">The matcher's options.</param>
    /// <param name="origin">An existing frame the faces are inserted under.</param>
    /// <param name="writers">Concurrent connections, ≥ 1.</param>
    /// <param name="perWriter">Timed faces per writer, after <see cref="Warmup"/> untimed ones.</param>
    public static async Task RunAsync(NpgsqlDataSource dataSource, IdentityOptions options, FaceOrigin origin, int writers, int perWriter)
    {
        var matcher = new IdentityMatcher(new FaceStore(Options.Create(options)), Options.Create(options));
        var times = new double[writers * perWriter];
        var created = 0;
        var start = new TaskCompletionSource();
        var warm = new CountdownEvent(writers);
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(700_000 + w);
            for (var i = 0; i < Warmup; i++)
                await matcher.AssignAsync(MatchBench.Observation(MatchBench.UnitVector(random)), origin, dataSource);
            warm.Signal();
            await start.Task;
            for (var i = 0; i < perWriter; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var assignment = await matcher.AssignAsync(MatchBench.Observation(MatchBench.UnitVector(random)), origin, dataSource);
                times[w * perWriter + i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (assignment.NewPerson)
                    Interlocked.Increment(ref created);
            }
        })).ToList();
        warm.Wait();
        var sw = Stopwatch.StartNew();
        start.SetResult();
        await Task.WhenAll(tasks);
        var seconds = sw.Elapsed.TotalSeconds;
        Array.Sort(times);
        Console.WriteLine($"  new persons, {writers} concurrent writers × {perWriter} faces: {times.Length / seconds:F1} persons/s; " +
            $"per face (its whole transaction) p50 {times[times.Length / 2]:F2} ms, p95 {times[(int)(times.Length * 0.95)]:F2} ms; " +
            $"{created} of {times.Length} made a new person");
    }
}
