namespace FaceAspire.Bench.Chaos;

/// <summary>What a chaos run does (the <c>chaos</c> command's options; the test's shorter run).</summary>
/// <param name="Photos">Posts in all (default 2,000).</param>
/// <param name="Rate">Posts started per second, steadily (default 8).</param>
/// <param name="Workers">Worker processes (at least 2: one is killed, one paused).</param>
/// <param name="WorkerConcurrency">Frames in flight per worker (Worker:Concurrency).</param>
/// <param name="ConsumerTimeoutSeconds">RabbitMQ's consumer timeout on analyze-frame for this run (default 60 s; the
/// broker's default is 1,800 s).</param>
/// <param name="KeyRateLimit">The Api's per-key rate limit for this run, requests/s (RateLimiting:PerKeyPerSecond and
/// PerKeyBurst); above the post rate, so only bursts (clients retrying together after an outage) meet 429.</param>
/// <param name="ClientRetries">Retries per post in the client's resilience pipeline.</param>
/// <param name="RepeatEvery">Every n-th post repeats an earlier one's bytes exactly.</param>
/// <param name="VideoFrames">Frames cut from the video clip.</param>
/// <param name="DrainTimeout">How long to wait, after the last post, for every accepted frame to settle.</param>
/// <param name="Seed">Picks and orders the photos.</param>
public sealed record ChaosSettings(
    int Photos = 2000,
    double Rate = 8,
    int Workers = 2,
    int WorkerConcurrency = 3,
    int ConsumerTimeoutSeconds = 60,
    int KeyRateLimit = 12,
    int ClientRetries = 8,
    int RepeatEvery = 20,
    int VideoFrames = 100,
    TimeSpan? DrainTimeout = null,
    int Seed = 31);
