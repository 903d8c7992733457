using System.CommandLine;
using System.Globalization;
using FaceAspire.Bench.Chaos;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Testing;

namespace FaceAspire.Bench.Commands;

/// <summary>
/// <c>chaos [-n 2000] [--rate 8] [--workers 2] [--consumer-timeout 30]</c>: posts real photos steadily through the
/// Api while a worker is killed, RabbitMQ, PostgreSQL and the Api are restarted and a worker is paused past its
/// consumer timeout, then prints what was accepted, refused, retried, done, failed, lost, processed twice, how each
/// frame compares with a calm analysis, the error queues and the time to drain (<see cref="ChaosRun"/>). Starts its
/// own containers and processes: run it under <c>infra/with-containers.sh</c>. docs/reliability.md explains the figures.
/// </summary>
public static class ChaosCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var defaults = new ChaosSettings();
        var n = CliOptions.Int("-n", "Photos posted", defaults.Photos, min: 10);
        var rate = CliOptions.Float("--rate", $"Posts started per second, steadily [default: {defaults.Rate}]");
        rate.Validators.Add(r => { if (r.GetValueOrDefault<float?>() is <= 0 or > 1000) r.AddError("--rate must be in (0, 1000]."); });
        var workers = CliOptions.Int("--workers", "Worker processes (one is killed, one paused)", defaults.Workers, min: 2, max: 8);
        var concurrency = CliOptions.Int("--concurrency", "Frames in flight per worker (Worker:Concurrency)", defaults.WorkerConcurrency, min: 1, max: 64);
        var timeout = CliOptions.Int("--consumer-timeout", "RabbitMQ consumer timeout on analyze-frame for this run, seconds", defaults.ConsumerTimeoutSeconds, min: 5, max: 1800);
        var keyRate = CliOptions.Int("--key-rate-limit", "The Api's per-key rate limit for this run, requests/s", defaults.KeyRateLimit, min: 1);
        var drain = CliOptions.Int("--drain-timeout", "Longest wait after the last post for every accepted frame to settle, seconds", 600, min: 10);
        var command = new Command("chaos", "Reliability: one run of real photos through every fault in turn; prints lost, duplicated, refused and retried work")
        {
            n, rate, workers, concurrency, timeout, keyRate, drain,
        };
        command.SetAction(async (r, ct) =>
        {
            var settings = defaults with
            {
                Photos = r.GetValue(n), Rate = r.GetValue(rate) ?? defaults.Rate, Workers = r.GetValue(workers), WorkerConcurrency = r.GetValue(concurrency),
                ConsumerTimeoutSeconds = r.GetValue(timeout), KeyRateLimit = r.GetValue(keyRate),
                DrainTimeout = TimeSpan.FromSeconds(r.GetValue(drain)),
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"starting PostgreSQL ({ContainerImages.Postgres}) and RabbitMQ ({ContainerImages.RabbitMq}) containers, the Api and {settings.Workers} workers"));
            var report = await ChaosRun.RunAsync(settings, Console.Out, ct);
            report.Print(Console.Out);
            return report.ExactlyOnce ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
