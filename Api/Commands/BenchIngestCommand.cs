using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using FaceAspire.Api.Auth;
using FaceAspire.Api.Ingest;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FaceAspire.Api.Commands;

/// <summary>
/// <c>FaceAspire.Api bench-ingest [-n 5000] [-c 16[,32,64]] [--image photo.jpg] [--url http://host:port --key KEY]</c>:
/// for each concurrency C in turn (after a warm-up at it), posts N DISTINCT JPEGs (the same photo with a unique COM
/// segment after SOI, so each has its own sha256 and is a new frame) as raw <c>image/jpeg</c> bodies from C concurrent
/// connections, and prints accepted frames/s, latency percentiles, CPU per accepted frame and the group commit's batch
/// size. A list of concurrencies shows where the Api saturates: at 16 the rate is bound by latency (about 4.6 frames
/// per commit), at 64 by CPU (docs/performance.md, twenty-first round). Without <c>--url</c> it hosts the real Api in
/// this process on 127.0.0.1 (Kestrel, outbox relay included) with the configured
/// <c>ConnectionStrings:facedb</c>/<c>messaging</c> and a fresh key.
/// Every posted frame is stored and queued for real: run it against a scratch database.
/// </summary>
public static class BenchIngestCommand
{
    /// <summary>Runs the benchmark. Exit 0 when every request got 202, 1 otherwise, 2 on usage errors.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int n = 5000, warmup = 200;
        int[] concurrencies = [16];
        string? url = null, key = null, imagePath = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "-n": n = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "-c": concurrencies = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))]; break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--url": url = Next(); break;
                case "--key": key = Next(); break;
                case "--image": imagePath = Next(); break;
                default:
                    await Console.Error.WriteLineAsync("usage: bench-ingest [-n N] [-c CONCURRENCY[,CONCURRENCY…]] [--warmup N] [--image file.jpg] [--url URL --key KEY]");
                    return 2;
            }
        }
        if (n < 1 || concurrencies.Any(c => c < 1))
        {
            await Console.Error.WriteLineAsync("bench-ingest: -n and every -c must be at least 1");
            return 2;
        }
        imagePath ??= Path.Combine(FaceAspire.Vision.Evaluation.SharedData.PathOf("identities/lfw12/Serena_Williams"), "Serena_Williams_0001.jpg");
        var photo = await File.ReadAllBytesAsync(imagePath);
        if (photo.Length < 4 || photo[0] != 0xFF || photo[1] != 0xD8)
        {
            await Console.Error.WriteLineAsync($"bench-ingest: {imagePath} is not a JPEG");
            return 2;
        }

        WebApplication? app = null;
        if (url is null)
        {
            key = ApiKey.Generate();
            // The content root is the binaries' folder, as under the AppHost: run from the repository root, the
            // configuration file watcher followed every write under .infra/ (PostgreSQL's files), 3 % of the CPU.
            app = ApiApp.Build(["--urls", "http://127.0.0.1:0", "--contentRoot", AppContext.BaseDirectory,
                "--Api:BootstrapApiKey", key, "--Logging:LogLevel:Default", "Warning"]);
            await app.StartAsync();
            url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        }
        if (key is null)
        {
            await Console.Error.WriteLineAsync("bench-ingest: --key is required with --url");
            return 2;
        }
        try
        {
            var run = Guid.NewGuid().ToString("N");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrencies.Max(), UseProxy = false })
            {
                BaseAddress = new Uri(url),
                Timeout = TimeSpan.FromSeconds(60),
            };
            http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
            var failed = 0;
            foreach (var concurrency in concurrencies)
            {
                await PostAllAsync(http, photo, $"{run}w{concurrency}", warmup, concurrency);
                failed += await MeasureAsync(http, photo, $"{run}c{concurrency}", n, concurrency, hosted: app is not null);
            }
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>Posts <paramref name="n"/> frames from <paramref name="concurrency"/> connections and prints the
    /// rate, latency percentiles, CPU per frame and group-commit batch size; returns the number of non-202 answers.</summary>
    private static async Task<int> MeasureAsync(HttpClient http, byte[] photo, string run, int n, int concurrency, bool hosted)
    {
        // Images per group-commit statement, from the Api's own histogram (in-process Api only).
        long commits = 0, committed = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument == IngestGroupCommit.FramesPerCommit) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<int>((_, frames, _, _) => { Interlocked.Increment(ref commits); Interlocked.Add(ref committed, frames); });
        listener.Start();
        var cpu = OperatingSystem.IsLinux() ? new CpuPerFrame(hosted) : null;
        var (elapsed, latencies, failures) = await PostAllAsync(http, photo, run, n, concurrency);
        var cpuLine = cpu?.PerFrame(n - failures) ?? "not measured (needs Linux /proc)";
        listener.Dispose();
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-ingest: {n} distinct {photo.Length / 1024.0:0.#} KB JPEGs, {concurrency} concurrent, raw image/jpeg → {http.BaseAddress}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"accepted {n - failures}/{n} in {elapsed.TotalSeconds:0.00} s = {(n - failures) / elapsed.TotalSeconds:0} frames/s; " +
            $"latency p50 {Percentile(latencies, 0.50):0.0} ms, p95 {Percentile(latencies, 0.95):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms"));
        Console.WriteLine($"CPU ms per accepted frame: {cpuLine}");
        if (commits > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"group commit: {commits} statements, {(double)committed / commits:0.0} frames each on average"));
        return failures;
    }

    private static async Task<(TimeSpan Elapsed, double[] LatenciesMs, int Failures)> PostAllAsync(
        HttpClient http, byte[] photo, string run, int n, int concurrency)
    {
        var latencies = new double[n];
        var failures = 0;
        var next = -1;
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                using var content = new ByteArrayContent(WithComment(photo, $"bench {run} {i}"));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/api/frames?source=bench", content);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.Accepted && Interlocked.Increment(ref failures) <= 3)
                    await Console.Error.WriteLineAsync($"bench-ingest: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (total.Elapsed, latencies, failures);
    }

    /// <summary>The JPEG with a COM (FF FE) segment holding <paramref name="text"/> right after SOI: still valid, new sha256.</summary>
    internal static byte[] WithComment(byte[] jpeg, string text)
    {
        var payload = System.Text.Encoding.ASCII.GetBytes(text);
        var result = new byte[jpeg.Length + 4 + payload.Length];
        result[0] = 0xFF;
        result[1] = 0xD8;
        result[2] = 0xFF;
        result[3] = 0xFE;
        result[4] = (byte)((payload.Length + 2) >> 8);
        result[5] = (byte)(payload.Length + 2);
        payload.CopyTo(result, 6);
        jpeg.AsSpan(2).CopyTo(result.AsSpan(6 + payload.Length));
        return result;
    }

    /// <summary>
    /// The CPU behind the run: this process (the load generator, and the Api when hosted here), PostgreSQL and
    /// RabbitMQ, in milliseconds per accepted frame, then every process on the machine together and the hypervisor's
    /// steal share. It shows where the work is, and with a concurrency sweep whether a rate is bound by CPU or by
    /// latency. It moves with this VM's speed as the rate does (1.6× within one session, at 0 % steal;
    /// docs/performance.md, twenty-first round), so binaries are compared alternated, on fresh instances.
    /// </summary>
    private sealed class CpuPerFrame
    {
        private readonly ProcessGroupCpu _groups;
        private readonly ProcFs.CpuTicks _machine = ProcFs.CpuTimes(cpu: null);

        /// <summary>Opens the window now; <paramref name="hosted"/>: the Api runs in this process.</summary>
        public CpuPerFrame(bool hosted)
        {
            var self = hosted ? "api + client" : "client";
            _groups = new ProcessGroupCpu([self, "postgres", "rabbitmq"],
                (pid, comm) => pid == Environment.ProcessId ? self : ProcessGroupCpu.Servers(comm));
        }

        /// <summary>e.g. <c>api + client 1.1, postgres 0.9, rabbitmq 0.2 (all processes 2.3; 1.2 % steal)</c>.</summary>
        public string PerFrame(int frames)
        {
            var groups = _groups.Elapsed();
            var machine = ProcFs.CpuTimes(cpu: null) - _machine;
            double PerFrame(double seconds) => 1000 * seconds / Math.Max(1, frames);
            return string.Join(", ", groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Group} {PerFrame(g.Seconds):0.00}")))
                   + string.Create(CultureInfo.InvariantCulture,
                       $" (all processes {PerFrame(machine.Busy / ProcFs.TicksPerSecond):0.00}; {machine.Percent(machine.Steal):0.0} % steal)");
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}
