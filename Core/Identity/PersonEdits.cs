using FaceAspire.Core.Data;
using Npgsql;

namespace FaceAspire.Core.Identity;

/// <summary>
/// SQL steps shared by <see cref="PersonEditor"/> and <see cref="PersonMerger"/>: row locks in a fixed order,
/// recomputing a person's counters from its faces, and writing the audit row in the same transaction.
/// </summary>
internal static class PersonEdits
{
    /// <summary>
    /// Locks the given persons <c>FOR NO KEY UPDATE</c> in ascending id order, the order
    /// <see cref="IdentityMatcher.UpdatePersonsAsync"/> uses, so an edit and a worker's write cannot deadlock.
    /// NO KEY UPDATE (not UPDATE) does not conflict with the KEY SHARE lock a worker's face insert takes through
    /// the foreign key, so matching keeps running while an operator edits. Returns the ids that exist.
    /// </summary>
    public static async Task<HashSet<Guid>> LockPersonsAsync(IEnumerable<Guid> ids, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var sorted = ids.Distinct().Order().ToArray();
        var found = new HashSet<Guid>();
        await using var command = new NpgsqlCommand(
            "SELECT id FROM persons WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE", connection, transaction);
        command.Parameters.AddWithValue("ids", sorted);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found.Add(reader.GetGuid(0));
        return found;
    }

    /// <summary>
    /// Locks a person that this edit will DELETE, <c>FOR UPDATE</c>, before any other lock of the edit. Returns whether
    /// it exists.
    /// </summary>
    /// <remarks>
    /// A worker inserting a face holds a KEY SHARE lock on its person (the foreign key) until it commits, and updates
    /// the person's counters at the end of the same transaction. Had the edit locked <c>FOR NO KEY UPDATE</c> and only
    /// deleted later, each would wait for the other: the worker's counter update for the edit's lock, the edit's
    /// DELETE for the worker's KEY SHARE (a deadlock, and PostgreSQL aborted the operator's merge or delete).
    /// <c>FOR UPDATE</c> conflicts with KEY SHARE at once, so the edit first waits for a worker already writing a face
    /// of this person (its later statements then see that face and take it along), and a worker arriving later waits
    /// for the edit and then decides again (<see cref="FrameWriter"/> retries the foreign-key violation). Taking this
    /// lock first also means the edit holds no other row lock while it waits.
    /// </remarks>
    public static async Task<bool> LockPersonToDeleteAsync(Guid id, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken) =>
        await ScalarAsync<Guid?>("SELECT id FROM persons WHERE id = @id FOR UPDATE", connection, transaction, cancellationToken,
            ("id", id)) is not null;

    /// <summary>
    /// Runs an edit as ONE transaction on a connection of its own and commits it. When PostgreSQL aborts it as a
    /// deadlock victim or for a serialization failure (SQLSTATE 40P01, 40001), the whole edit runs again, up to 3
    /// attempts: <paramref name="work"/> must decide from what it reads inside the transaction. Two operators editing
    /// the same persons in opposite orders (merging A into B while B is merged into A) end this way: the retried edit
    /// then finds its person gone and throws <see cref="KeyNotFoundException"/>, which the Admin shows as a message.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(NpgsqlDataSource dataSource,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                              && attempt < 3)
            {
            }
        }
    }

    /// <summary>Throws <see cref="KeyNotFoundException"/> unless every id in <paramref name="ids"/> was locked.</summary>
    public static void RequireAll(HashSet<Guid> locked, params Guid[] ids)
    {
        foreach (var id in ids)
        {
            if (!locked.Contains(id))
                throw new KeyNotFoundException($"Person {id} does not exist.");
        }
    }

    /// <summary>Recomputes the persons' counters and cover from their faces (<see cref="FaceStore.RecomputePersonsCommand"/>).
    /// Run after <see cref="LockPersonsAsync"/>, in a later statement, so its snapshot sees every committed face.</summary>
    public static async Task RecomputeAsync(IEnumerable<Guid> ids, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { FaceStore.RecomputePersonsCommand(ids) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends an <c>audit_log</c> row in the edit's transaction (<see cref="AuditLog.AppendAsync"/>).</summary>
    public static Task AuditAsync(string actor, string action, string? subject, object? details, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        AuditLog.AppendAsync(actor, action, subject, details, connection, transaction, cancellationToken);

    /// <summary>Runs a scalar command and returns its result.</summary>
    public static async Task<T?> ScalarAsync<T>(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>Runs a command and returns the number of affected rows.</summary>
    public static async Task<int> ExecuteAsync(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
