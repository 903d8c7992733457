using System.Collections.Concurrent;
using System.Diagnostics;
using FaceAspire.ApiClient;
using FaceAspire.Cli.Import;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Bench.Chaos;

/// <summary>One retry the client's resilience pipeline made: what the failed attempt got, the <c>Retry-After</c> the
/// answer carried (null: none), and how long the pipeline waited before the next attempt.</summary>
public sealed record ChaosRetry(string Cause, TimeSpan? RetryAfter, TimeSpan Delay);

/// <summary>How one post ended: the frame the Api accepted (and whether it already had those bytes), or why not.</summary>
public sealed record ChaosPost(ChaosPhoto Photo, Guid? FrameId, bool Duplicate, string? Refusal, TimeSpan Elapsed);

/// <summary>
/// Posts the photos at a steady rate through the shared typed client (<see cref="FaceAspireApiClient"/>, raw image
/// bodies) with the pipeline the CLI's import uses (<see cref="ApiResilience"/>: the standard handler), with more retries
/// and a longer total timeout than its defaults (an Api restart takes seconds). Each post runs on its own, so a slow or
/// retried one does not hold back the schedule. Every retry is recorded (<see cref="Retries"/>) from the retry
/// strategy's <c>OnRetry</c>: the cause, the answer's <c>Retry-After</c>, and the delay the strategy chose.
/// </summary>
internal sealed class ChaosLoad : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly FaceAspireApiClient _client;

    /// <summary>A client for <paramref name="apiUrl"/> with key <paramref name="key"/>.</summary>
    /// <param name="apiUrl">The Api's base URL.</param>
    /// <param name="key">The API key.</param>
    /// <param name="retries">Retries per post (the standard handler's default is 3).</param>
    public ChaosLoad(string apiUrl, string key, int retries)
    {
        var services = new ServiceCollection();
        services.AddFaceAspireApiClient(o =>
        {
            o.BaseAddress = new Uri(apiUrl);
            o.ApiKey = key;
        }).AddApiResilience(o =>
        {
            o.Retry.MaxRetryAttempts = retries;
            o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(3);
            o.Retry.OnRetry = args =>
            {
                var cause = args.Outcome.Result is { } r ? $"{(int)r.StatusCode} {r.ReasonPhrase}" : args.Outcome.Exception?.GetType().Name ?? "?";
                var retryAfter = args.Outcome.Result?.Headers.RetryAfter is { } h ? h.Delta ?? (h.Date - DateTimeOffset.UtcNow) : null;
                Retries.Add(new ChaosRetry(cause, retryAfter, args.RetryDelay));
                return ValueTask.CompletedTask;
            };
        });
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<FaceAspireApiClient>();
    }

    /// <summary>Every retry made so far.</summary>
    public ConcurrentBag<ChaosRetry> Retries { get; } = [];

    /// <summary>Posts done so far (for progress lines).</summary>
    public int Finished => _finished;

    private int _finished;

    /// <summary>Posts every photo, the i-th at i / <paramref name="rate"/> seconds after the start; returns when every
    /// post has ended (accepted or given up), in post order.</summary>
    public async Task<ChaosPost[]> RunAsync(IReadOnlyList<ChaosPhoto> photos, double rate, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var posts = new Task<ChaosPost>[photos.Count];
        for (var i = 0; i < photos.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate) - started.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due, ct);
            posts[i] = PostAsync(photos[i], ct);
        }
        return await Task.WhenAll(posts);
    }

    private async Task<ChaosPost> PostAsync(ChaosPhoto photo, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var accepted = await _client.PostRawFrameAsync(photo.Content, photo.ContentType, "chaos", ct);
            return new ChaosPost(photo, accepted.Id, accepted.Duplicate, null, watch.Elapsed);
        }
        catch (ApiProblemException e)
        {
            return new ChaosPost(photo, null, false, $"{e.Status} {e.Title}", watch.Elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or Polly.ExecutionRejectedException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new ChaosPost(photo, null, false, e.GetType().Name, watch.Elapsed);
        }
        finally
        {
            Interlocked.Increment(ref _finished);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();
}
