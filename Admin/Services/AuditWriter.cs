using FaceAspire.Core.Data;
using Npgsql;

namespace FaceAspire.Admin.Services;

/// <summary>
/// Writes <c>audit_log</c> rows for actions outside Core's identity editors (API keys, sign-ins), each on its own
/// pooled connection, through Core's <see cref="AuditLog"/>.
/// </summary>
public sealed class AuditWriter(NpgsqlDataSource dataSource)
{
    /// <summary>Appends one row; <paramref name="details"/> is stored as JSON (camelCase), or null.</summary>
    public async Task WriteAsync(string actor, string action, string? subject, object? details, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AuditLog.AppendAsync(actor, action, subject, details, connection, null, cancellationToken);
    }
}
