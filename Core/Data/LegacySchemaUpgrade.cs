using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>
/// Brings a database built by the hand-written migrations (<see cref="LegacyMigrations"/>, before the generated
/// <c>Baseline</c> replaced them, ADR 0023) to exactly the schema the Baseline builds, in place, keeping every row, and
/// records it as at the Baseline; <c>Migrate()</c> then continues from there. What differs: constraint names (EF's
/// <c>pk_</c>/<c>fk_</c> names instead of PostgreSQL's defaults), the two unique constraints become unique indexes,
/// the HNSW index moves from an expression to the generated column <c>half_embedding</c>, four foreign-key indexes are
/// new, the outbox's NOTIFY trigger is new, and the history table's columns are snake_case like every other
/// (EFCore.NamingConventions renames them too: <c>migration_id</c>, <c>product_version</c>). Index builds run CONCURRENTLY (writes go on); adding the generated column
/// rewrites <c>faces</c> under an exclusive lock (seconds per 100k faces), after its old HNSW index is dropped so the
/// rewrite does not rebuild it. Every step is idempotent, and the history changes last, in one transaction with the
/// final swap: an upgrade that was interrupted is simply run again by the next migration step.
/// </summary>
internal static class LegacySchemaUpgrade
{
    /// <summary>The hand-written migrations, oldest first; a legacy database has all of them applied.</summary>
    public static readonly string[] LegacyMigrations =
    [
        "20261122000000_Initial", "20261123000000_AdminTables", "20261124000000_OutboxTraceContext", "20261125000000_MoodAndJobs",
        "20261126000000_IncompressibleBytes", "20261127000000_HalfPrecisionIndex", "20261128000000_FaceWriteTransaction",
        "20261129000000_ReprocessJobKind", "20261130000000_FrameClaimedAt",
    ];

    // PostgreSQL's default constraint names, as the hand-written DDL left them, and EF's names in the Baseline.
    private static readonly (string Table, string Old, string New)[] Renames =
    [
        .. new[]
        {
            "admin_users", "api_keys", "audit_log", "emotions", "faces", "frame_images", "frames", "jobs", "merge_suggestions",
            "mood_results", "outbox_messages", "person_merges", "person_pair_rejections", "persons",
        }.Select(t => (t, $"{t}_pkey", $"pk_{t}")),
        ("frame_images", "frame_images_frame_id_fkey", "fk_frame_images_frames_frame_id"),
        ("faces", "faces_frame_id_fkey", "fk_faces_frames_frame_id"),
        ("faces", "faces_person_id_fkey", "fk_faces_persons_person_id"),
        ("emotions", "emotions_face_id_fkey", "fk_emotions_faces_face_id"),
        ("emotions", "emotions_person_id_fkey", "fk_emotions_persons_person_id"),
        ("emotions", "emotions_frame_id_fkey", "fk_emotions_frames_frame_id"),
        ("merge_suggestions", "merge_suggestions_job_id_fkey", "fk_merge_suggestions_jobs_job_id"),
        ("merge_suggestions", "merge_suggestions_target_person_id_fkey", "fk_merge_suggestions_persons_target_person_id"),
        ("merge_suggestions", "merge_suggestions_source_person_id_fkey", "fk_merge_suggestions_persons_source_person_id"),
    ];

    // Indexes the Baseline has and the legacy schema lacks (the unique ones under a temporary name, swapped in last).
    private static readonly (string Name, string Definition)[] NewIndexes =
    [
        // Storage parameters in the order EF writes them, so the index's definition reads the same as a new database's.
        (FaceSchema.HnswIndex, $"faces USING hnsw (half_embedding {FaceSchema.HnswOperatorClass}) " +
                               $"WITH (ef_construction = {FaceSchema.HnswEfConstruction}, m = {FaceSchema.HnswM})"),
        ("ix_merge_suggestions_job_id", "merge_suggestions (job_id)"),
        ("ix_merge_suggestions_source_person_id", "merge_suggestions (source_person_id)"),
        ("ix_merge_suggestions_target_person_id", "merge_suggestions (target_person_id)"),
        ("ix_persons_cover_face_id", "persons (cover_face_id)"),
        ("ux_frames_sha256_upgrade", "frames (sha256)"),
        ("ux_api_keys_hash_upgrade", "api_keys (hash)"),
    ];

    /// <summary>
    /// Upgrades the database of <paramref name="connection"/> when its history holds the hand-written migrations; does
    /// nothing otherwise (a new database, or one already at the Baseline or later).
    /// </summary>
    /// <param name="connection">An open owner connection with no transaction in progress (index builds run
    /// CONCURRENTLY, outside any transaction); the caller holds the migration lock.</param>
    /// <param name="baselineMigration">The Baseline's migration id, recorded in place of the legacy ones.</param>
    /// <param name="logger">Where the upgrade's steps are logged, or null.</param>
    /// <param name="cancellationToken">Cancels between and within steps; a cancelled upgrade resumes at the next run.</param>
    /// <returns>True when the database was upgraded.</returns>
    /// <exception cref="LegacySchemaException">The history holds only some of the hand-written migrations.</exception>
    /// <exception cref="PostgresException">A step failed (its own transaction is rolled back).</exception>
    public static async Task<bool> UpgradeIfLegacyAsync(NpgsqlConnection connection, string baselineMigration, ILogger? logger,
        CancellationToken cancellationToken)
    {
        var applied = await AppliedAsync(connection, cancellationToken);
        var legacy = LegacyMigrations.Where(applied.Contains).ToList();
        if (legacy.Count == 0)
            return false;
        if (legacy.Count < LegacyMigrations.Length)
            throw new LegacySchemaException(
                $"This database was built by the hand-written migrations, but only up to {legacy[^1]}; the upgrade to the generated " +
                $"Baseline starts from {LegacyMigrations[^1]}. Run the migration step of a version from before the Baseline " +
                "(commit f1d013c) on it once, then this one again. Nothing was changed.");

        logger?.LogWarning("Database built by the hand-written migrations ({Last}): upgrading it in place to {Baseline}", legacy[^1], baselineMigration);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ExecuteAsync(connection, transaction, $"""
                DO $$
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'faces'::regclass AND attname = 'half_embedding' AND NOT attisdropped) THEN
                    DROP INDEX IF EXISTS {FaceSchema.HnswIndex};
                    ALTER TABLE faces ADD COLUMN half_embedding {FaceSchema.HalfVectorType} NOT NULL
                      GENERATED ALWAYS AS ((embedding::{FaceSchema.HalfVectorType})) STORED;
                  END IF;
                END $$;
                DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
                DROP FUNCTION IF EXISTS outbox_messages_notify();
                {Migrations.BaselineSql.OutboxNotify}
                """, cancellationToken);
            foreach (var (table, old, name) in Renames)
                await ExecuteAsync(connection, transaction, $"""
                    DO $$
                    BEGIN
                      IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '{table}'::regclass AND conname = '{old}') THEN
                        ALTER TABLE {table} RENAME CONSTRAINT {old} TO {name};
                      END IF;
                    END $$;
                    """, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // The HNSW graph of every face is the long one; a larger maintenance_work_mem keeps the graph in memory.
        await ExecuteAsync(connection, null, "SET maintenance_work_mem = '512MB'", cancellationToken);
        foreach (var (name, definition) in NewIndexes)
        {
            if (name.StartsWith("ux_", StringComparison.Ordinal) && !await ConstraintExistsAsync(connection, name[..^"_upgrade".Length], cancellationToken))
                continue;
            // A build interrupted earlier leaves an invalid index of that name: drop it and build again.
            if (await InvalidIndexExistsAsync(connection, name, cancellationToken))
                await ExecuteAsync(connection, null, $"DROP INDEX CONCURRENTLY {name}", cancellationToken);
            var unique = name.StartsWith("ux_", StringComparison.Ordinal) ? "UNIQUE " : "";
            logger?.LogInformation("Building index {Index}", name);
            await ExecuteAsync(connection, null, $"CREATE {unique}INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}", cancellationToken);
        }
        await ExecuteAsync(connection, null, "RESET maintenance_work_mem", cancellationToken);

        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            foreach (var (table, constraint) in new[] { ("frames", "ux_frames_sha256"), ("api_keys", "ux_api_keys_hash") })
                await ExecuteAsync(connection, transaction, $"""
                    DO $$
                    BEGIN
                      IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '{table}'::regclass AND conname = '{constraint}') THEN
                        ALTER TABLE {table} DROP CONSTRAINT {constraint};
                        ALTER INDEX {constraint}_upgrade RENAME TO {constraint};
                      END IF;
                    END $$;
                    """, cancellationToken);
            await using (var history = new NpgsqlCommand("""
                DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = ANY(@legacy);
                ALTER TABLE "__EFMigrationsHistory" RENAME COLUMN "MigrationId" TO migration_id;
                ALTER TABLE "__EFMigrationsHistory" RENAME COLUMN "ProductVersion" TO product_version;
                ALTER TABLE "__EFMigrationsHistory" RENAME CONSTRAINT "PK___EFMigrationsHistory" TO pk___ef_migrations_history;
                INSERT INTO "__EFMigrationsHistory" (migration_id, product_version) VALUES (@baseline, @version);
                """, connection, transaction))
            {
                history.Parameters.AddWithValue("legacy", LegacyMigrations);
                history.Parameters.AddWithValue("baseline", baselineMigration);
                history.Parameters.AddWithValue("version", ProductInfo.GetVersion());
                await history.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        logger?.LogWarning("Database upgraded to {Baseline}; no row was changed", baselineMigration);
        return true;
    }

    private static async Task<HashSet<string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("""SELECT "MigrationId" FROM "__EFMigrationsHistory" """, connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                applied.Add(reader.GetString(0));
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
        {
            // A new database (no history table yet), or one made by the generated migrations (snake_case columns).
        }
        return applied;
    }

    private static async Task<bool> ConstraintExistsAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_constraint WHERE conname = @n", connection);
        command.Parameters.AddWithValue("n", name);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    private static async Task<bool> InvalidIndexExistsAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = @n AND NOT i.indisvalid", connection);
        command.Parameters.AddWithValue("n", name);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        // No timeout: an index build takes as long as the table is big.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The database's schema is one this version cannot migrate; the message says what to do.</summary>
public sealed class LegacySchemaException(string message) : Exception(message);
