using System.ComponentModel.DataAnnotations;

namespace FaceAspire.Worker;

/// <summary>
/// Worker settings, configuration section <c>"Worker"</c> (env form <c>Worker__Concurrency=4</c>).
/// Bound and validated at start: a bad value stops the process before it consumes anything.
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Worker";

    /// <summary>
    /// Frames in flight in this process (MassTransit ConcurrentMessageLimit; the RabbitMQ prefetch count is
    /// <see cref="EffectivePrefetchCount"/>). Each frame runs the single-threaded ONNX sessions on one core (at most
    /// <see cref="EffectiveAnalysisSlots"/> at once), and waits for PostgreSQL and the broker between its stages, so one
    /// frame more than cores keeps the cores busy: end-to-end bench, 1 process on 2 cores, 37.3 frames/s at 2 vs 40.4
    /// at 3 (one run). Default <see cref="DefaultConcurrency"/> = cores + 1; range 1–64.
    /// </summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = DefaultConcurrency;

    /// <summary>The default <see cref="Concurrency"/>: <see cref="Environment.ProcessorCount"/> + 1.</summary>
    public static int DefaultConcurrency => Math.Min(64, Environment.ProcessorCount + 1);

    /// <summary>
    /// Vision-engine calls this process runs at once, across every consumer and job (<see cref="Pipeline.AnalysisGate"/>);
    /// the other frames in flight meanwhile do their database and broker round trips. Null (the default) = one per core
    /// (<see cref="Environment.ProcessorCount"/>, which honours CPU affinity). A value of <see cref="Concurrency"/> or
    /// more lets every frame in flight analyse at once, as before the gate existed. Range 1–64.
    /// </summary>
    [Range(1, 64)]
    public int? AnalysisSlots { get; set; }

    /// <summary>The number of analysis slots used: <see cref="AnalysisSlots"/>, or the core count (at most 64).</summary>
    public int EffectiveAnalysisSlots => AnalysisSlots ?? Math.Min(64, Environment.ProcessorCount);

    /// <summary>
    /// Whether <see cref="AnalysisSlots"/> are this process's alone (<see cref="AnalysisScope.Process"/>) or shared by
    /// every worker process on this machine or container that runs on the same CPUs (<see cref="AnalysisScope.Host"/>,
    /// the default): several replicas on one host then run one analysis per core between them instead of each running
    /// one per core (<see cref="Pipeline.HostSlot"/>).
    /// </summary>
    public AnalysisScope AnalysisScope { get; set; } = AnalysisScope.Host;

    /// <summary>
    /// <c>AnalyzeFrame</c> messages RabbitMQ may deliver to this process ahead of their acknowledgement (the
    /// prefetch count), range 1–1000; null (the default) = <see cref="Concurrency"/> + 1. One more than the
    /// concurrency means that when a frame is acknowledged, the next is already in the process, instead of one broker
    /// round trip later. At most one frame waits on a busy process; a process that dies returns it to the queue.
    /// </summary>
    [Range(1, 1000)]
    public int? PrefetchCount { get; set; }

    /// <summary>The prefetch count used: <see cref="PrefetchCount"/>, or <see cref="Concurrency"/> + 1.</summary>
    public int EffectivePrefetchCount => PrefetchCount ?? Concurrency + 1;

    /// <summary>
    /// Immediate retries of a frame after a transient error (connection loss, lock or statement timeout,
    /// deadlock), with exponential backoff; after the last one the message goes to <c>analyze-frame_error</c>
    /// and the frame is marked failed. Default 5, range 0–20.
    /// </summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;

    /// <summary>
    /// How long, in seconds, a frame waits for PostgreSQL to come back when it cannot be reached at all
    /// (<see cref="Pipeline.TransientErrors.IsDatabaseUnreachable"/>: a restart, a failover, a lost network), trying
    /// again every second, before the outage counts as a failure of the frame. Meanwhile the worker takes no new
    /// frames (its slots are all waiting), so the queue keeps them. 0: an outage is an ordinary transient error
    /// (<see cref="RetryLimit"/>). Default 600; range 0–1500, below RabbitMQ's
    /// <c>consumer_timeout</c> (1,800 s by default), after which the broker would close the channel of an unacknowledged
    /// delivery.
    /// </summary>
    [Range(0, 1500)]
    public int DatabaseOutageWaitSeconds { get; set; } = 600;

    /// <summary>First backoff interval in milliseconds (doubling up to <see cref="RetryMaxIntervalMs"/>). Default 200.</summary>
    [Range(1, 60_000)]
    public int RetryMinIntervalMs { get; set; } = 200;

    /// <summary>Largest backoff interval in milliseconds. Default 5000.</summary>
    [Range(1, 600_000)]
    public int RetryMaxIntervalMs { get; set; } = 5_000;

    /// <summary>
    /// Side length in pixels of the aligned face crop stored with each face for review (0 = store none).
    /// Default 112 (the ArcFace alignment size). Range 0–512.
    /// </summary>
    [Range(0, 512)]
    public int CropSize { get; set; } = 112;

    /// <summary>
    /// Privacy mode: store no face crops at all (<see cref="EffectiveCropSize"/> becomes 0), whatever
    /// <see cref="CropSize"/> says. Boxes, embeddings and emotions are still stored. Default false.
    /// </summary>
    public bool PrivacyMode { get; set; }

    /// <summary>The crop size actually used: 0 in <see cref="PrivacyMode"/>, else <see cref="CropSize"/>.</summary>
    public int EffectiveCropSize => PrivacyMode ? 0 : CropSize;
}

/// <summary>Who shares a worker's analysis slots (<see cref="WorkerOptions.AnalysisScope"/>).</summary>
public enum AnalysisScope
{
    /// <summary>Every worker process on the same CPUs of this machine or container.</summary>
    Host,

    /// <summary>This process alone.</summary>
    Process,
}
