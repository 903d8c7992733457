using System.ComponentModel.DataAnnotations;

namespace FaceAspire.MigrationService;

/// <summary>The services' database role, from the <c>Database</c> section (the AppHost sets both).</summary>
public sealed class MigrationOptions
{
    /// <summary>Role the services connect as; created when missing. A plain lower-case identifier.</summary>
    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string AppRole { get; set; } = "faceaspire_app";

    /// <summary>The role's password; set on every run, so a rotated parameter takes effect at the next start.
    /// Null: the role is granted its rights but not created or changed (it must exist already).</summary>
    public string? AppPassword { get; set; }
}
