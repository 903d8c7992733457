using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Threading.RateLimiting;
using FaceAspire.ApiClient;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Cli.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace FaceAspire.Cli.Import;

/// <summary>
/// <c>import DIR [--recursive] [--watch] [--source NAME] [--api URL] [--key KEY] [--parallel N] [--max-rate N]</c>:
/// posts every image (jpg, jpeg, png, any case) to the ingest API with a progress bar (files done/total, faces found,
/// rate, ETA), waits for the workers, and prints a summary (new, skipped, failed with reasons). Idempotent and
/// resumable through <see cref="ImportJournal"/>; <c>--watch</c> then keeps ingesting new files
/// (<see cref="FolderWatcher"/>). <c>--parallel</c> (default 4, 1–64) posts that many files at once; <c>--max-rate</c>
/// (photos per second, default 0 = unlimited) paces the posts, so a large library fills the queue no faster than the
/// workers should take it while they also serve live cameras.
/// </summary>
public static class ImportCommand
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    /// <summary>The command, its argument and options.</summary>
    public static Command Create()
    {
        var folder = CliOptions.ExistingPath("DIR", "The folder to import", files: false);
        var recursive = new Option<bool>("--recursive") { Description = "Also the images in sub-folders" };
        var watch = new Option<bool>("--watch") { Description = "After the import, keep importing new images until Ctrl+C" };
        var source = new Option<string?>("--source") { Description = "Source name stored with each frame [default: the folder's name]", HelpName = "NAME" };
        var parallel = CliOptions.Int("--parallel", "Photos posted at once", 4, min: 1, max: 64);
        var maxRate = CliOptions.Int("--max-rate", "At most this many photos per second; 0: unlimited", 0, min: 0);
        var api = new ApiConnection();
        var command = new Command("import", "Post a folder's photos to the ingest API (resumable), wait for the workers, summarise")
        {
            folder, recursive, watch, source, parallel, maxRate,
        };
        api.AddTo(command);
        command.SetAction((r, ct) => RunAsync(r, api, new ImportSettings(r.GetValue(folder)!, r.GetValue(recursive), r.GetValue(watch),
            r.GetValue(source), r.GetValue(parallel), r.GetValue(maxRate)), ct));
        return command;
    }

    private sealed record ImportSettings(string Folder, bool Recursive, bool Watch, string? Source, int Parallel, int MaxRate);

    /// <summary>Runs the import; exit 0 when nothing failed, 1 otherwise, 130 when stopped by Ctrl+C.</summary>
    private static async Task<int> RunAsync(ParseResult result, ApiConnection api, ImportSettings settings, CancellationToken ct)
    {
        var folder = settings.Folder;
        using var services = api.Connect(result);
        var client = services.GetRequiredService<FaceAspireApiClient>();
        using var journal = new ImportJournal(folder, result.GetValue(api.Api) ?? "default");
        using var pacer = settings.MaxRate > 0 ? Pacer(settings.MaxRate) : null;
        var console = Terminal.Create();
        var run = new ImportRun(client, journal, settings.Source ?? Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')), settings.Parallel, pacer, console);
        try
        {
            await run.ImportAsync(Scan(folder, settings.Recursive), showProgress: true, ct);
            run.PrintSummary();
            if (settings.Watch)
            {
                console.MarkupLine($"[grey]watching {Markup.Escape(folder)} for new images (Ctrl+C to stop)…[/]");
                using var watcher = new FolderWatcher(folder, settings.Recursive, IsImage, () => Scan(folder, settings.Recursive));
                await foreach (var file in watcher.ReadyFilesAsync(ct).WithCancellation(ct).ConfigureAwait(false))
                {
                    await run.ImportAsync([file], showProgress: false, ct);
                    run.PrintLast();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: what was accepted is in the journal, so a second run resumes; say where this one stopped.
            run.PrintSummary();
            return settings.Watch && run.Failed.IsEmpty ? ExitCodes.Ok : ExitCodes.Interrupted;
        }
        return run.Failed.IsEmpty ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary>Image files under a folder, sorted for a stable order.</summary>
    public static List<string> Scan(string folder, bool recursive) =>
        Directory.EnumerateFiles(folder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(IsImage).Order(StringComparer.Ordinal).ToList();

    // One permit every 1/rate s with no burst beyond one (System.Threading.RateLimiting's token bucket): evenly spaced
    // posts, however many run in parallel. Waiters queue without limit, oldest first.
    private static TokenBucketRateLimiter Pacer(int perSecond) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 1,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1.0 / perSecond),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    private static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
}

/// <summary>The state of one import: counters, the journal and the frames still being processed. Each post first takes a
/// permit from <paramref name="pacer"/> when there is one. Progress and summary go to <paramref name="console"/>: a live
/// bar on a terminal, plain lines otherwise.</summary>
internal sealed class ImportRun(FaceAspireApiClient client, ImportJournal journal, string source, int parallelism, RateLimiter? pacer, IAnsiConsole console)
{
    private int _new, _skipped, _faces, _processed;
    private readonly ConcurrentDictionary<Guid, string> _pending = new();
    private string? _last;

    public ConcurrentBag<(string File, string Reason)> Failed { get; } = [];

    public async Task ImportAsync(IReadOnlyList<string> files, bool showProgress, CancellationToken ct)
    {
        var todo = files.Where(f => { if (journal.IsDone(f)) { Interlocked.Increment(ref _skipped); return false; } return true; }).ToList();
        var clock = Stopwatch.StartNew();
        async Task Work(ProgressTask? bar)
        {
            var postingDone = false;
            var polling = PollAsync(bar, () => Volatile.Read(ref postingDone), ct);
            await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (file, token) =>
            {
                try
                {
                    if (pacer is not null)
                        using (await pacer.AcquireAsync(1, token)) { }
                    var accepted = await client.PostFrameAsync(await File.ReadAllBytesAsync(file, token), ImageFiles.ContentType(file),
                        Path.GetFileName(file), source, file, File.GetLastWriteTimeUtc(file), token);
                    journal.MarkDone(file, accepted.Id);
                    if (accepted.Duplicate) Interlocked.Increment(ref _skipped); else Interlocked.Increment(ref _new);
                    _pending[accepted.Id] = file;
                    _last = file;
                }
                catch (Exception e) when (e is ApiProblemException or IOException or HttpRequestException or UnauthorizedAccessException)
                {
                    Failed.Add((file, e.Message));
                    Interlocked.Increment(ref _processed);
                    bar?.Increment(1);
                }
                if (bar is not null) bar.Description = Describe(clock);
            });
            Volatile.Write(ref postingDone, true);
            await polling;
        }
        if (!showProgress || todo.Count == 0) { await Work(null); return; }
        await console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask(Describe(clock), maxValue: todo.Count);
                await Work(bar);
                bar.Value = todo.Count;
                bar.Description = Describe(clock);
            });
    }

    // Follows posted frames until the workers finish them, counting faces and processing failures. It ends once every
    // post has returned and nothing is pending; it used to end when the bar was full, and a file the API refused (a
    // WebP named .jpg: 415) never filled it, so the import hung after its last post.
    private async Task PollAsync(ProgressTask? bar, Func<bool> postingDone, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        while (!ct.IsCancellationRequested)
        {
            foreach (var (id, file) in _pending.ToArray())
            {
                FrameDto? state;
                try { state = await client.GetFrameAsync(id, ct); }
                catch (Exception e) when (e is ApiProblemException or HttpRequestException) { continue; }
                if (state?.Status is "done" or "failed")
                {
                    _pending.TryRemove(id, out _);
                    Interlocked.Increment(ref _processed);
                    Interlocked.Add(ref _faces, state.Faces.Count);
                    if (state.Status == "failed") Failed.Add((file, state.Error ?? "processing failed"));
                    if (bar is not null) { bar.Increment(1); bar.Description = Describe(started); }
                }
            }
            if (postingDone() && _pending.IsEmpty) return; // in this order: every add to _pending precedes postingDone
            await Task.Delay(300, ct).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    private string Describe(Stopwatch clock)
    {
        double rate = _processed / Math.Max(0.001, clock.Elapsed.TotalSeconds);
        return $"{_processed} done · {_faces} faces · {rate:F1} photos/s";
    }

    public void PrintSummary()
    {
        console.MarkupLine($"[green]{_new} new[/], {_skipped} skipped (already imported), [red]{Failed.Count} failed[/], {_faces} faces found");
        foreach (var (file, reason) in Failed.OrderBy(f => f.File)) console.MarkupLine($"  [red]✗[/] {Markup.Escape(file)}: {Markup.Escape(reason)}");
    }

    public void PrintLast()
    {
        if (_last is not null) console.MarkupLine($"[green]+[/] {Markup.Escape(_last)} ({_faces} faces so far)");
    }
}
