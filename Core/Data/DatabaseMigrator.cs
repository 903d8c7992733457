using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>
/// The one schema-change step: applies the pending EF migrations and grants the app role its row privileges.
/// Run it before the services start (the MigrationService, the test fixtures), with the OWNER role's connection
/// string; the services themselves connect as the app role, which cannot change the schema.
/// </summary>
public static partial class DatabaseMigrator
{
    /// <summary>Session advisory-lock key held while migrating (ASCII "FACEMIGR"), so concurrent calls queue up.</summary>
    public const long MigrationLockKey = 0x4641_4345_4D49_4752;

    /// <summary>The services' role, as the AppHost names it.</summary>
    public const string DefaultAppRole = "faceaspire_app";

    /// <summary>Migrates and grants <see cref="DefaultAppRole"/> (if that role exists). See the other overload.</summary>
    public static Task MigrateAsync(string ownerConnectionString, CancellationToken cancellationToken) =>
        MigrateAsync(ownerConnectionString, DefaultAppRole, cancellationToken);

    /// <summary>
    /// Everything a new or existing database needs before the services use it, as the migration step runs it: the
    /// <c>vector</c> extension, the services' role <paramref name="appRole"/> (created with
    /// <paramref name="appPassword"/>, or given that password if it exists), CONNECT on the database for that role
    /// only, no CREATE on schema public for anyone else, the pending migrations, and the role's row privileges (see
    /// <see cref="MigrateAsync(string, string?, CancellationToken)"/>). Idempotent, and safe when several processes
    /// run it at once (a session advisory lock, <see cref="MigrationLockKey"/>).
    /// </summary>
    /// <param name="ownerConnectionString">Npgsql connection string of a role that may create extensions and roles
    /// (the container's superuser under the AppHost and in the tests).</param>
    /// <param name="appRole">The services' role, a plain lower-case identifier.</param>
    /// <param name="appPassword">The role's password; null leaves an existing role as it is (and creates none).</param>
    /// <param name="cancellationToken">Cancels waiting for the lock and the work.</param>
    /// <returns>The migrations applied to the database, oldest first.</returns>
    /// <exception cref="ArgumentException">The role name is not a plain identifier.</exception>
    /// <exception cref="PostgresException">A statement failed (the failed migration's transaction is rolled back).</exception>
    public static async Task<IReadOnlyList<string>> PrepareAsync(string ownerConnectionString, string appRole, string? appPassword,
        CancellationToken cancellationToken)
    {
        CheckRole(appRole);
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (await AdvisoryLock.TakeAsync(connection, cancellationToken))
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", cancellationToken);
            if (appPassword is not null)
                await EnsureRoleAsync(connection, appRole, appPassword, cancellationToken);
            await ExecuteAsync(connection, $"""
                REVOKE ALL ON DATABASE "{connection.Database}" FROM PUBLIC;
                GRANT CONNECT ON DATABASE "{connection.Database}" TO {appRole};
                REVOKE CREATE ON SCHEMA public FROM PUBLIC;
                """, cancellationToken);
            await MigrateLockedAsync(dataSource, connection, appRole, cancellationToken);
        }
        await using var db = new FaceDbContext(FaceDbContext.CreateOptions(dataSource));
        return [.. await db.Database.GetAppliedMigrationsAsync(cancellationToken)];
    }

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
        if (appRole is not null)
            CheckRole(appRole);
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (await AdvisoryLock.TakeAsync(connection, cancellationToken))
            await MigrateLockedAsync(dataSource, connection, appRole, cancellationToken);
    }

    private static async Task MigrateLockedAsync(NpgsqlDataSource dataSource, NpgsqlConnection connection, string? appRole,
        CancellationToken cancellationToken)
    {
        await using (var db = new FaceDbContext(FaceDbContext.CreateOptions(dataSource)))
            await db.Database.MigrateAsync(cancellationToken);
        if (appRole is not null)
            await GrantAsync(connection, appRole, cancellationToken);
    }

    /// <summary>Creates the role, or sets its password when it exists. Two databases of one server prepared at once
    /// (test fixtures) can both see it missing: the loser of the CREATE race (42710) sets the password instead.</summary>
    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string role, string password, CancellationToken cancellationToken)
    {
        // DDL takes no bind parameters: format() with %L quotes the password as a literal on the server.
        async Task RunFormattedAsync(string template)
        {
            await using var format = new NpgsqlCommand("SELECT format(@t, @r, @p)", connection);
            format.Parameters.AddWithValue("t", template);
            format.Parameters.AddWithValue("r", role);
            format.Parameters.AddWithValue("p", password);
            await ExecuteAsync(connection, (string)(await format.ExecuteScalarAsync(cancellationToken))!, cancellationToken);
        }

        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = @r", connection))
        {
            exists.Parameters.AddWithValue("r", role);
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                try
                {
                    await RunFormattedAsync("CREATE ROLE %I LOGIN PASSWORD %L");
                    return;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
                {
                }
            }
        }
        await RunFormattedAsync("ALTER ROLE %I WITH LOGIN PASSWORD %L");
    }

    private static void CheckRole(string role)
    {
        if (!PlainIdentifier().IsMatch(role))
            throw new ArgumentException($"Role name '{role}' is not a plain identifier.", nameof(role));
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

    /// <summary>Holds <see cref="MigrationLockKey"/> on one connection until disposed.</summary>
    private sealed class AdvisoryLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public static async Task<AdvisoryLock> TakeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            return new AdvisoryLock(connection);
        }

        // CancellationToken.None: the lock must be released even when the work was cancelled.
        public async ValueTask DisposeAsync() =>
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();
}
