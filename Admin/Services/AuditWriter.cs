using System.Text.Json;
using NpgsqlTypes;
using Npgsql;

namespace FaceAspire.Admin.Services;

/// <summary>Writes <c>audit_log</c> rows for actions outside Core's identity editors (API keys, sign-ins).</summary>
public sealed class AuditWriter(NpgsqlDataSource dataSource)
{
    /// <summary>Appends one row; <paramref name="details"/> is stored as JSON (camelCase), or null.</summary>
    public async Task WriteAsync(string actor, string action, string? subject, object? details, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO audit_log (actor, action, subject, details) VALUES (@a, @act, @s, @d)");
        command.Parameters.AddWithValue("a", actor);
        command.Parameters.AddWithValue("act", action);
        command.Parameters.AddWithValue("s", NpgsqlDbType.Text, (object?)subject ?? DBNull.Value);
        command.Parameters.AddWithValue("d", NpgsqlDbType.Jsonb,
            details is null ? DBNull.Value : JsonSerializer.Serialize(details, JsonSerializerOptions.Web));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
