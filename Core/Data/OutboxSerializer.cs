using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data.Entities;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Core.Data;

/// <summary>
/// Writes and reads <see cref="OutboxMessage"/> rows. Bodies are System.Text.Json with web defaults (camelCase);
/// <see cref="OutboxMessage.MessageType"/> is the contract's full CLR name, resolved back only against the types
/// in <c>FaceAspire.Core.Contracts</c> (never an arbitrary type name from the database).
/// </summary>
public static class OutboxSerializer
{
    /// <summary>The JSON options used for bodies.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    private static readonly Dictionary<string, Type> ContractTypes = typeof(AnalyzeFrame).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(AnalyzeFrame).Namespace && t is { IsClass: true, IsAbstract: false, IsPublic: true })
        .ToDictionary(t => t.FullName!, StringComparer.Ordinal);

    /// <summary>A new (unsaved) outbox row for <paramref name="message"/>; add it to the context in the same
    /// <c>SaveChanges</c>/transaction as the change it announces.</summary>
    public static OutboxMessage Create<T>(T message) where T : class => new()
    {
        MessageType = typeof(T).FullName!,
        Body = JsonSerializer.Serialize(message, JsonOptions),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The contract type named by <paramref name="messageType"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not a type of <c>FaceAspire.Core.Contracts</c>.</exception>
    public static Type ResolveType(string messageType) =>
        ContractTypes.TryGetValue(messageType, out var type) ? type
            : throw new KeyNotFoundException($"'{messageType}' is not a FaceAspire.Core.Contracts message type.");

    /// <summary>The message stored in <paramref name="row"/>, as an instance of its contract type.</summary>
    /// <exception cref="KeyNotFoundException">Unknown message type.</exception>
    /// <exception cref="JsonException">Body does not match the type.</exception>
    public static object Deserialize(OutboxMessage row) =>
        JsonSerializer.Deserialize(row.Body, ResolveType(row.MessageType), JsonOptions)
        ?? throw new JsonException($"Outbox message {row.Id} has a null body.");

    /// <summary>Inserts an outbox row with raw SQL on the caller's connection and transaction.</summary>
    public static async Task EnqueueAsync<T>(T message, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken = default) where T : class
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO outbox_messages (message_type, body) VALUES (@t, @b)", connection, transaction);
        command.Parameters.AddWithValue("t", typeof(T).FullName!);
        command.Parameters.AddWithValue("b", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(message, JsonOptions));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
