using System.ComponentModel.DataAnnotations;

namespace FaceAspire.ServiceDefaults.Resilience;

/// <summary>
/// Retry and timeout settings applied to every <c>HttpClient</c> made by <c>IHttpClientFactory</c>; bound from the
/// <c>HttpResilience</c> configuration section and validated at start. Defaults follow
/// Microsoft.Extensions.Http.Resilience's standard handler (3 retries, 2 s exponential base with jitter,
/// 10 s per attempt, 30 s in total).
/// </summary>
public sealed record HttpResilienceOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "HttpResilience";

    /// <summary>Retries after the first attempt, 0..10 (so 1..11 attempts in all).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; doubles per retry with jitter (Polly's DecorrelatedJitterBackoffV2).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time limit of one attempt, 10 ms..5 min; a timed-out attempt is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time limit of the whole call including retries and delays, 10 ms..10 min; must be at least
    /// <see cref="AttemptTimeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TotalTimeout < AttemptTimeout)
            yield return new ValidationResult("TotalTimeout must be at least AttemptTimeout.",
                [nameof(TotalTimeout), nameof(AttemptTimeout)]);
    }
}
