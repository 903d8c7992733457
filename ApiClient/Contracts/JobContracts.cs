using System.Text.Json;

namespace FaceAspire.ApiClient.Contracts;

/// <summary>A job as the API reports it.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Kind">One of retention, recluster, reindex, reembed, reprocess.</param>
/// <param name="Status">queued, running, done or failed.</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units to do, or null while unknown.</param>
/// <param name="Percent">100 · done / total (0–100), or null.</param>
/// <param name="CreatedAt">Requested at.</param>
/// <param name="StartedAt">Started at.</param>
/// <param name="FinishedAt">Finished at.</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="Parameters">Request parameters.</param>
/// <param name="Result">What it did.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Created">On POST: false when a job of that kind was already active and is returned instead.</param>
public sealed record JobDto(Guid Id, string Kind, string Status, int Done, int? Total, double? Percent, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string RequestedBy, JsonElement? Parameters, JsonElement? Result, string? Error,
    bool? Created = null);
