using System.ComponentModel.DataAnnotations;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Maintenance job defaults, configuration section <c>"Maintenance"</c> (env <c>Maintenance__EmotionRetentionDays</c>).
/// A job request may override them with its parameters (<c>POST /api/jobs/retention {"emotionDays": 30}</c>).
/// </summary>
public sealed class MaintenanceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Maintenance";

    /// <summary>Emotion-log rows (and stored mood results) older than this many days, by capture time, are deleted by
    /// the retention job. 0 = keep forever. Default 365.</summary>
    [Range(0, 36_500)]
    public int EmotionRetentionDays { get; set; } = 365;

    /// <summary>Face crops older than this many days (by capture time) are deleted (set to NULL; the face, its box and
    /// embedding stay). 0 = keep forever. Default 90.</summary>
    [Range(0, 36_500)]
    public int CropRetentionDays { get; set; } = 90;

    /// <summary>DBSCAN minPts of the re-cluster job: a face is a core point when at least this many faces (itself
    /// included) lie within the match threshold. Default 2.</summary>
    [Range(1, 1000)]
    public int ReclusterMinPoints { get; set; } = 2;

    /// <summary>How often, in minutes, a worker checks whether deferred faces should be retried (a <c>retry-deferred</c>
    /// job is requested when faces arrived since the last one). 0 = never by itself. Default 5.</summary>
    [Range(0, 10_080)]
    public int DeferredRetryMinutes { get; set; } = 5;

    /// <summary>Start a re-embedding job at worker start when stored faces carry another embedding model. Default true.</summary>
    public bool AutoReembed { get; set; } = true;
}
