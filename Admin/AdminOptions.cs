using System.ComponentModel.DataAnnotations;

namespace FaceAspire.Admin;

/// <summary>
/// Admin settings, configuration section <c>Admin</c>. The operator account comes from
/// <see cref="Username"/> + <see cref="PasswordHash"/> when both are set; otherwise the first-run setup page
/// stores one in the database (<c>admin_users</c>). No password is ever committed: only a hash is configured.
/// </summary>
public sealed class AdminOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Admin";

    /// <summary>Operator login name.</summary>
    [MaxLength(100)]
    public string? Username { get; set; }

    /// <summary>ASP.NET Core Identity <c>PasswordHasher</c> hash (v3: PBKDF2-HMAC-SHA512, base64) of the password.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Ingest API key the webcam page posts frames with (sent as <c>X-Api-Key</c> to the Api).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// RabbitMQ management API base URL (<c>infra/rabbitmq.sh url mgmt</c>), e.g. <c>http://127.0.0.1:26772/</c>;
    /// credentials are taken from <c>ConnectionStrings:messaging</c>. Null = queue figures are not shown.
    /// </summary>
    [Url]
    public string? RabbitMqManagementUrl { get; set; }

    /// <summary>Queue whose depth and consumer count the dashboard shows (consumers = workers online).</summary>
    public string AnalyzeQueue { get; set; } = Core.Contracts.MessagingNames.AnalyzeFrameQueue;

    /// <summary>Wrong passwords within <see cref="LockoutMinutes"/> after which sign-in is locked for that user name and
    /// that client address (1–100; default 5).</summary>
    [Range(1, 100)]
    public int LockoutFailures { get; set; } = 5;

    /// <summary>The counting window and the lockout's length, minutes (1–1440; default 15).</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// Persons with fewer faces than this are left out of the persons grid unless the operator asks for all (1–1000;
    /// default 2): one-face persons are mostly passers-by, and Immich hides them the same way.
    /// </summary>
    [Range(1, 1000)]
    public int MinFacesShown { get; set; } = 2;

    /// <summary>True when <see cref="Username"/> and <see cref="PasswordHash"/> are both configured.</summary>
    public bool HasConfiguredUser => !string.IsNullOrWhiteSpace(Username) && !string.IsNullOrWhiteSpace(PasswordHash);
}
