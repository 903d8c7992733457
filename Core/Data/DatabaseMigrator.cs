using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>
/// The one schema-change step: applies the pending EF migrations and grants the app role its row privileges.
/// Run it before the services start (the <c>Api migrate</c> command, the test fixtures), with the OWNER role's
/// connection string; the services themselves connect as the app role, which cannot change the schema.
/// </summary>
public static partial class DatabaseMigrator
{
    /// <summary>Session advisory-lock key held while migrating (ASCII "FACEMIGR"), so concurrent calls queue up.</summary>
    public const long MigrationLockKey = 0x4641_4345_4D49_4752;

    /// <summary>The app role infra creates (<c>infra/postgres.sh</c>).</summary>
    public const string DefaultAppRole = "faceaspire_app";

    /// <summary>Migrates and grants <see cref="DefaultAppRole"/> (if that role exists). See the other overload.</summary>
    public static Task MigrateAsync(string ownerConnectionString, CancellationToken cancellationToken) =>
        MigrateAsync(ownerConnectionString, DefaultAppRole, cancellationToken);

    /// <summary>
    /// Applies every pending migration, then grants <paramref name="appRole"/> SELECT/INSERT/UPDATE/DELETE on all
    /// tables and USAGE on the sequences of schema public (read-only on <c>__EFMigrationsHistory</c>), plus the
    /// same as default privileges for tables the owner creates later. Idempotent: a second call applies nothing.
    /// Safe when several processes call it at once: a session advisory lock (<see cref="MigrationLockKey"/>)
    /// serialises them, so the later ones find nothing pending.
    /// </summary>
    /// <param name="ownerConnectionString">Npgsql connection string of the schema owner (may run DDL).</param>
    /// <param name="appRole">Role to grant row privileges to; skipped when null or when no such role exists.
    /// Must be a plain lower-case identifier.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock and the migration.</param>
    /// <exception cref="ArgumentException">The role name is not a plain identifier.</exception>
    /// <exception cref="PostgresException">A migration failed (e.g. the vector extension is missing and the owner
    /// may not create it); the failed migration's transaction is rolled back.</exception>
    public static async Task MigrateAsync(string ownerConnectionString, string? appRole, CancellationToken cancellationToken)
    {
        if (appRole is not null && !PlainIdentifier().IsMatch(appRole))
            throw new ArgumentException($"Role name '{appRole}' is not a plain identifier.", nameof(appRole));
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(lockConnection, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await using (var db = new FaceDbContext(FaceDbContext.CreateOptions(dataSource)))
                await db.Database.MigrateAsync(cancellationToken);
            if (appRole is not null)
                await GrantAsync(lockConnection, appRole, cancellationToken);
        }
        finally
        {
            // CancellationToken.None: the lock must be released even when the migration was cancelled.
            await ExecuteAsync(lockConnection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    /// <summary>Names of the migrations applied to the database, oldest first.</summary>
    public static async Task<IReadOnlyList<string>> GetAppliedMigrationsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var db = new FaceDbContext(FaceDbContext.CreateOptions(dataSource));
        return [.. await db.Database.GetAppliedMigrationsAsync(cancellationToken)];
    }

    private static async Task GrantAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = @r", connection))
        {
            exists.Parameters.AddWithValue("r", role);
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! == 0)
                return;
        }
        // Explicit grants, not only infra's ALTER DEFAULT PRIVILEGES: default privileges are per database, so a
        // database created later (a test database, a restore) would otherwise leave the app role with nothing.
        await ExecuteAsync(connection, $"""
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "__EFMigrationsHistory" FROM {role};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};
            """, cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();
}
