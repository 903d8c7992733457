namespace FaceAspire.Core.Data.Entities;

/// <summary>One operator action (table <c>audit_log</c>): who did what to which subject, with JSON details.</summary>
public sealed class AuditLogEntry
{
    /// <summary>Primary key (identity).</summary>
    public long Id { get; set; }
    /// <summary>When it happened.</summary>
    public DateTimeOffset At { get; set; }
    /// <summary>Who: an operator name or an API key prefix.</summary>
    public string Actor { get; set; } = "";
    /// <summary>What, e.g. <c>person.merge</c>, <c>apikey.revoke</c>.</summary>
    public string Action { get; set; } = "";
    /// <summary>On what, e.g. a person id; null when global.</summary>
    public string? Subject { get; set; }
    /// <summary>Details as JSON (jsonb), or null.</summary>
    public string? Details { get; set; }
}
