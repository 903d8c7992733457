using System.Diagnostics;
using System.Globalization;
using FaceAspire.Core.Contracts;

namespace FaceAspire.Bench.Chaos;

/// <summary>
/// One chaos run: starts the system (<see cref="ChaosSystem"/>), posts the photos steadily (<see cref="ChaosLoad"/>)
/// while the five faults happen in turn, spaced over the posting time (each starts at its slot or when the previous one
/// has ended): a worker SIGKILLed and replaced, RabbitMQ restarted, PostgreSQL restarted, the Api killed and restarted
/// on its port, a worker SIGSTOPped past the consumer timeout and resumed. Then it waits for the accepted frames to
/// settle, analyses the pictures calmly (<see cref="CalmBaseline"/>) and audits the database and the broker
/// (<see cref="ChaosAudit"/>, <see cref="ChaosBroker"/>).
/// </summary>
public static class ChaosRun
{
    /// <summary>Runs it; progress lines go to <paramref name="log"/>.</summary>
    /// <exception cref="TimeoutException">A service did not start.</exception>
    /// <exception cref="DirectoryNotFoundException">../shared/data is absent.</exception>
    public static async Task<ChaosReport> RunAsync(ChaosSettings settings, TextWriter log, CancellationToken ct = default)
    {
        var photos = ChaosPhotos.Build(settings.Photos, settings.RepeatEvery, settings.VideoFrames, settings.Seed);
        log.WriteLine($"chaos: {photos.Posts.Count} posts of {photos.Posts.Select(p => p.Picture).Distinct().Count()} pictures " +
                      $"({photos.Posts.Count(p => p.Repeat)} exact repeats) at {settings.Rate.ToString(CultureInfo.InvariantCulture)}/s; " +
                      $"{settings.Workers} workers × {settings.WorkerConcurrency}; consumer timeout {settings.ConsumerTimeoutSeconds} s");
        await using var system = await ChaosSystem.StartAsync(settings);
        log.WriteLine($"chaos: started api {system.ApiUrl}, {system.Workers.Count} workers; logs in {system.LogDir}");
        using var broker = new ChaosBroker(system.Broker);
        using var load = new ChaosLoad(system.ApiUrl, system.Key, settings.ClientRetries);

        var clock = Stopwatch.StartNew();
        var posting = load.RunAsync(photos.Posts, settings.Rate, ct);
        var faults = RunFaultsAsync(system, broker, settings, clock, log, ct);
        using var progress = new Timer(_ => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {clock.Elapsed.TotalSeconds,5:0} s: {load.Finished}/{photos.Posts.Count} posts ended, {load.Retries.Count} retries")),
            null, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        var posts = await posting;
        var postingTime = clock.Elapsed;
        var faultLog = await faults;

        var accepted = posts.Where(p => p.FrameId is not null).Select(p => p.FrameId!.Value).Distinct().ToArray();
        var audit = new ChaosAudit(system.Database.OwnerDataSource);
        var drained = await DrainAsync(audit, broker, accepted, settings.DrainTimeout ?? TimeSpan.FromMinutes(10), ct);
        var drainTime = clock.Elapsed - postingTime;
        await progress.DisposeAsync();
        log.WriteLine($"chaos: {(drained ? "drained" : "NOT drained")} {drainTime.TotalSeconds:0} s after the last post ended; analysing the pictures calmly");
        foreach (var exited in system.Exited)
            faultLog.Add("unexpected: " + exited);
        if (!drained)
            faultLog.Add($"not drained: analyze-frame has {await broker.DepthAsync(MessagingNames.AnalyzeFrameQueue)} messages and {await broker.ConsumerCountAsync()} consumers");

        var calm = CalmBaseline.Analyse(photos.Pictures, posts.Where(p => p.FrameId is not null).Select(p => p.Photo.Picture));
        var stored = await audit.FramesAsync(accepted);
        return new ChaosReport(settings, posts, [.. load.Retries], faultLog, stored, calm,
            await audit.ProcessedTwiceAsync(), await audit.DoneEventsAsync(accepted), await audit.IngestedTwiceAsync(), await audit.ClaimedAgainAsync(accepted),
            await broker.ErrorQueuesAsync(), postingTime, drained ? drainTime : null,
            system.AllProcesses.Sum(p => p.Count("(another delivery had already stored it)") + p.Count("was already done")));
    }

    private static async Task<List<string>> RunFaultsAsync(ChaosSystem system, ChaosBroker broker, ChaosSettings settings,
        Stopwatch clock, TextWriter log, CancellationToken ct)
    {
        var postingTime = TimeSpan.FromSeconds(settings.Photos / settings.Rate);
        Func<Task<string>>[] faults =
        [
            () => system.KillWorkerAsync(0),
            system.RestartBrokerAsync,
            system.RestartPostgresAsync,
            system.RestartApiAsync,
            () => system.PauseWorkerAsync(1, broker, TimeSpan.FromSeconds(settings.ConsumerTimeoutSeconds + 120)),
        ];
        var lines = new List<string>();
        for (var i = 0; i < faults.Length; i++)
        {
            var due = postingTime * (i + 1) / (faults.Length + 1) - clock.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due, ct);
            var started = clock.Elapsed;
            var what = await faults[i]();
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{i + 1}. at {started.TotalSeconds:0} s, {(clock.Elapsed - started).TotalSeconds:0.0} s: {what}");
            lines.Add(line);
            log.WriteLine("  fault " + line);
        }
        return lines;
    }

    // Settled: every accepted frame done or failed, nothing pending in the outbox, analyze-frame empty.
    private static async Task<bool> DrainAsync(ChaosAudit audit, ChaosBroker broker, Guid[] accepted, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                var (settled, pending) = await audit.ProgressAsync(accepted);
                if (settled == accepted.Length && pending == 0 && await broker.DepthAsync(MessagingNames.AnalyzeFrameQueue) == 0)
                    return true;
            }
            catch (Npgsql.NpgsqlException)
            {
                // The pool may still hold a connection from before the PostgreSQL restart.
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        return false;
    }
}
