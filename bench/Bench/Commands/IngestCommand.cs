using System.CommandLine;
using FaceAspire.Api.Auth;
using FaceAspire.Bench.Ingest;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Testing;

namespace FaceAspire.Bench.Commands;

/// <summary>
/// <c>ingest [-n 5000] [-c 16[,32,64]] [--warmup 200] [--image photo.jpg] [--url URL --key KEY]</c>: for each
/// concurrency C in turn (after a warm-up at it), posts N distinct JPEGs as raw <c>image/jpeg</c> bodies from C
/// concurrent connections and prints accepted frames/s, latency percentiles, CPU per accepted frame and the group
/// commit's batch size (<see cref="IngestLoad"/>). A list of concurrencies shows where the Api saturates: bound by
/// latency at low C, by CPU at high C. Without <c>--url</c> it starts its own PostgreSQL and RabbitMQ containers and
/// hosts the real Api in this process (<see cref="IngestTarget"/>); run it under <c>infra/with-containers.sh</c>.
/// With <c>--url</c>, every posted frame is stored and queued for real in that system.
/// </summary>
public static class IngestCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var n = CliOptions.Int("-n", "Frames posted per concurrency", 5000, min: 1);
        var concurrencies = CliOptions.IntList("-c", "Concurrent connections; a list measures each in turn", [16], min: 1, max: 1024);
        var warmup = CliOptions.Int("--warmup", "Frames posted at each concurrency before it is measured", 200, min: 0);
        var image = CliOptions.ExistingFile("--image", "The JPEG to post [default: ../shared/data/identities/lfw12/Serena_Williams/Serena_Williams_0001.jpg]");
        image.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && File.Exists(r.Tokens[0].Value) && !IsJpeg(r.Tokens[0].Value))
                r.AddError($"--image must be a JPEG: {r.Tokens[0].Value}");
        });
        var url = new Option<string?>("--url")
        {
            Description = "Post to this running Api instead of starting containers and hosting one [needs --key]",
            HelpName = "URL",
            Validators = { r => { if (r.Tokens.Count == 1 && !Uri.TryCreate(r.Tokens[0].Value, UriKind.Absolute, out _)) r.AddError($"--url must be an absolute URL, got '{r.Tokens[0].Value}'."); } },
        };
        var key = new Option<string?>("--key") { Description = "API key for --url", HelpName = "KEY" };
        var command = new Command("ingest", "Ingest throughput: accepted frames/s, latency percentiles, CPU per frame, group-commit size")
        {
            n, concurrencies, warmup, image, url, key,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(url) is not null && r.GetValue(key) is null)
                r.AddError("--key is required with --url.");
        });
        command.SetAction((r, ct) => RunAsync(r.GetValue(n), concurrencies.ValueOf(r), r.GetValue(warmup),
            r.GetValue(image) ?? SharedData.PathOf("identities/lfw12/Serena_Williams/Serena_Williams_0001.jpg"), r.GetValue(url), r.GetValue(key), ct));
        return command;
    }

    /// <summary>Runs the benchmark. Exit 0 when every request got 202, 1 otherwise.</summary>
    public static async Task<int> RunAsync(int n, int[] concurrencies, int warmup, string imagePath, string? url, string? key, CancellationToken ct)
    {
        var photo = await File.ReadAllBytesAsync(imagePath, ct);
        IngestTarget target;
        if (url is not null)
            target = IngestTarget.Remote(url, key!);
        else
        {
            Console.WriteLine($"starting PostgreSQL ({ContainerImages.Postgres}) and RabbitMQ ({ContainerImages.RabbitMq}) containers and the Api in this process");
            target = await IngestTarget.StartAsync(ct);
        }
        await using (target)
        {
            var run = Guid.NewGuid().ToString("N");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrencies.Max(), UseProxy = false })
            {
                BaseAddress = target.Url,
                Timeout = TimeSpan.FromSeconds(60),
            };
            http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, target.Key);
            var load = new IngestLoad(http, photo, target.Hosted);
            var failed = 0;
            foreach (var concurrency in concurrencies)
            {
                await load.WarmUpAsync($"{run}w{concurrency}", warmup, concurrency, ct);
                failed += await load.MeasureAsync($"{run}c{concurrency}", n, concurrency, ct);
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }
    }

    private static bool IsJpeg(string path)
    {
        using var file = File.OpenRead(path);
        return file.ReadByte() == 0xFF && file.ReadByte() == 0xD8;
    }
}
