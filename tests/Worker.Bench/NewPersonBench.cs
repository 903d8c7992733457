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
        var randoms = Enumerable.Range(0, writers).Select(w => new Random(700_000 + w)).ToArray();
        Task<FaceAssignment> AssignNewAsync(int writer) =>
            matcher.AssignAsync(MatchBench.Observation(MatchBench.UnitVector(randoms[writer])), origin, dataSource);
        Task EachWriterAsync(Func<int, Task> write) => Task.WhenAll(Enumerable.Range(0, writers).Select(write));

        // Untimed, and finished by every writer before the clock starts: connections opened, statements prepared.
        await EachWriterAsync(async w => { for (var i = 0; i < Warmup; i++) await AssignNewAsync(w); });
        var times = new double[writers * perWriter];
        var created = 0;
        var sw = Stopwatch.StartNew();
        await EachWriterAsync(async w =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var assignment = await AssignNewAsync(w);
                times[w * perWriter + i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (assignment.NewPerson)
                    Interlocked.Increment(ref created);
            }
        });
        var seconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"  new persons, {writers} concurrent writers × {perWriter} faces: {times.Length / seconds:F1} persons/s; " +
            $"per face (its whole transaction) {Latency.P50P95(times)}; {created} of {times.Length} made a new person");
    }
}
