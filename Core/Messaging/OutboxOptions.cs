using System.ComponentModel.DataAnnotations;

namespace FaceAspire.Core.Messaging;

/// <summary>Settings of a process's outbox relay (<see cref="OutboxRelay"/>, <see cref="OutboxPruner"/>), section <c>"Outbox"</c>.</summary>
public sealed class OutboxOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Outbox";

    /// <summary>Rows claimed (and locked) per batch, default 200.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Fallback poll interval when idle, milliseconds (default 2,000). A relay is woken at once by its own process's
    /// writes and, within <see cref="NotifyDelayMilliseconds"/>, by any process's (LISTEN/NOTIFY); the poll only
    /// matters while its LISTEN connection is down.
    /// </summary>
    [Range(1, 600_000)]
    public int PollMilliseconds { get; set; } = 2_000;

    /// <summary>
    /// How long a relay waits after a database notification before it claims rows, milliseconds (default 100).
    /// Every insert wakes every relay; the process that wrote the rows has already been woken in-process and usually
    /// sent them by then, so the others look once per window instead of racing it on every commit.
    /// </summary>
    [Range(0, 60_000)]
    public int NotifyDelayMilliseconds { get; set; } = 100;

    /// <summary>How long one batch may wait for broker confirms, seconds (default 10).</summary>
    [Range(1, 600)]
    public int SendTimeoutSeconds { get; set; } = 10;

    /// <summary>Longest back-off after consecutive failures, seconds (default 30; starts at 0.5 s, doubles).</summary>
    [Range(1, 3600)]
    public int MaxBackoffSeconds { get; set; } = 30;

    /// <summary>How long a dispatched row is kept before <see cref="OutboxPruner"/> deletes it, hours (default 24;
    /// 0 = keep every row).</summary>
    [Range(0, 100_000)]
    public int KeepDispatchedHours { get; set; } = 24;

    /// <summary>How often <see cref="OutboxPruner"/> runs, seconds (default 600).</summary>
    [Range(1, 86_400)]
    public int PruneIntervalSeconds { get; set; } = 600;

    /// <summary>Set false to run a process that writes rows but leaves relaying and pruning to the others. Default true.</summary>
    public bool Enabled { get; set; } = true;
}
