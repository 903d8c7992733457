using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Core.Data;

/// <summary>
/// Appends rows to <c>audit_log</c> (who did what to which subject, with JSON details), on the caller's connection
/// and transaction so that an action and its audit row commit together. The one writer for the identity editors,
/// the job store and the admin's own actions (sign-ins, API keys).
/// </summary>
public static class AuditLog
{
    /// <summary>
    /// Prefix of the access-audit actions (<c>read.person</c>, <c>read.faces</c>, <c>read.emotions.csv</c>, …): who
    /// looked at whom. Every other action is an edit. The admin's Audit page filters on it.
    /// </summary>
    public const string ReadPrefix = "read.";

    /// <summary>Appends one row; <paramref name="details"/> is serialised to JSON (web defaults: camelCase), or null.</summary>
    /// <param name="actor">Who acted, e.g. an admin user name or <c>worker</c>.</param>
    /// <param name="action">Dotted action name, e.g. <c>person.rename</c>.</param>
    /// <param name="subject">What it acted on (usually an id), or null.</param>
    /// <param name="details">Any serialisable object, or null.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The connection's transaction, or null to write on its own.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    public static Task AppendAsync(string actor, string action, string? subject, object? details, NpgsqlConnection connection,
        NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        AppendJsonAsync(actor, action, subject, details is null ? null : JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
            connection, transaction, cancellationToken);

    /// <summary><see cref="AppendAsync"/> with details that are already a JSON document (or null).</summary>
    /// <exception cref="PostgresException"><paramref name="detailsJson"/> is not valid JSON (SQLSTATE 22P02).</exception>
    public static async Task AppendJsonAsync(string actor, string action, string? subject, string? detailsJson, NpgsqlConnection connection,
        NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_log (actor, action, subject, details) VALUES (@a, @act, @s, @d)", connection, transaction);
        command.Parameters.AddWithValue("a", actor);
        command.Parameters.AddWithValue("act", action);
        command.Parameters.AddWithValue("s", NpgsqlDbType.Text, (object?)subject ?? DBNull.Value);
        command.Parameters.AddWithValue("d", NpgsqlDbType.Jsonb, (object?)detailsJson ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
