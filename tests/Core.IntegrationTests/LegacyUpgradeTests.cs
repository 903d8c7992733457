using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// A database built by the hand-written migrations that the generated baseline replaced (<c>Legacy/HandWrittenSchema.sql</c>),
/// holding data: 300 faces of 3 persons with their embeddings, a frame, emotions, a pending outbox row, an active job.
/// </summary>
public sealed class LegacyDatabaseFixture : PostgresDatabaseFixture
{
    public const int Faces = 300;
    protected override bool ApplyMigrations => false;
    public List<(Guid Id, Guid Person, float[] Embedding)> Stored { get; } = [];
    public Guid FrameId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using (var schema = OwnerDataSource.CreateCommand(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Legacy", "HandWrittenSchema.sql"))))
            await schema.ExecuteNonQueryAsync();
        // The data source loaded its types before the extension existed (the schema script creates it).
        OwnerDataSource.Clear();
        await using var connection = await OwnerDataSource.OpenConnectionAsync();
        await connection.ReloadTypesAsync();
        FrameId = Guid.CreateVersion7();
        await ExecuteAsync(connection, """
            INSERT INTO frames (id, sha256, source, captured_at, status) VALUES (@f, 'abc', 'cam-1', now(), 'done');
            INSERT INTO frame_images (frame_id, content, content_type) VALUES (@f, '\xFFD8FFD9', 'image/jpeg');
            INSERT INTO outbox_messages (message_type, body) VALUES ('FaceAspire.Core.Contracts.RunJob', '{"jobId": "00000000-0000-0000-0000-000000000001", "kind": "reindex"}');
            INSERT INTO jobs (id, kind, requested_by) VALUES ('00000000-0000-0000-0000-000000000001', 'reindex', 'test');
            """, ("f", FrameId));
        var rng = new Random(1130);
        var persons = Enumerable.Range(0, 3).Select(_ => Guid.CreateVersion7()).ToArray();
        foreach (var person in persons)
            await ExecuteAsync(connection, "INSERT INTO persons (id, face_count) VALUES (@p, 100)", ("p", person));
        for (var i = 0; i < Faces; i++)
        {
            var (id, e) = (Guid.CreateVersion7(), TestData.RandomUnit(rng));
            // The old schema takes the INSERT the matcher sends, less the identity columns it did not have yet.
            var insert = FaceStore.InsertFaceCommand(id, persons[i % 3], false, TestData.Face(e), new FaceOrigin(FrameId, DateTimeOffset.UtcNow, "cam-1", "m@1"));
            insert.CommandText = insert.CommandText.Replace(", identity_state, recognisability", "").Replace(", @state, @rec", "");
            insert.Parameters.Remove(insert.Parameters["state"]);
            insert.Parameters.Remove(insert.Parameters["rec"]);
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { insert } };
            await batch.ExecuteNonQueryAsync();
            await ExecuteAsync(connection, """
                INSERT INTO emotions (face_id, person_id, frame_id, captured_at, dominant, confidence, angry, disgust, fear, happy, sad, surprise, neutral, x, y, w, h)
                VALUES (@id, @p, @f, now(), 'happy', 0.7, 0, 0, 0, 0.7, 0, 0, 0.3, 1, 2, 3, 4)
                """, ("id", id), ("p", persons[i % 3]), ("f", FrameId));
            Stored.Add((id, persons[i % 3], e));
        }
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// ADR 0023: the migration step upgrades a database of the hand-written migrations in place to the generated baseline,
/// keeping every row, so that it ends up with exactly the schema a new database gets; a database that stops part-way
/// through the old migrations is refused with a message saying what to do, and left as it was.
/// </summary>
public sealed class LegacyUpgradeTests(LegacyDatabaseFixture legacy, PostgresDatabaseFixture fresh)
    : IClassFixture<LegacyDatabaseFixture>, IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task TheMigrationStepUpgradesItInPlaceToTheBaselineSchemaKeepingEveryRow()
    {
        await DatabaseMigrator.PrepareAsync(legacy.OwnerConnectionString, TestInfrastructure.AppRole, legacy.Infrastructure.AppPassword, default);

        // The history: the baseline alone, as in a new database; nothing is pending.
        await using var context = legacy.CreateDbContext();
        Assert.Equal(await DatabaseMigrator.GetAppliedMigrationsAsync(fresh.OwnerConnectionString, default),
            await DatabaseMigrator.GetAppliedMigrationsAsync(legacy.OwnerConnectionString, default));
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        // The schema: every column, constraint, index, trigger and function as the generated migrations build them.
        Assert.Equal(await SchemaCatalog.ReadAsync(fresh.OwnerDataSource), await SchemaCatalog.ReadAsync(legacy.OwnerDataSource));

        // The rows, read back through the new model.
        Assert.Equal(LegacyDatabaseFixture.Faces, await context.Faces.CountAsync());
        Assert.Equal(LegacyDatabaseFixture.Faces, await context.Emotions.CountAsync());
        Assert.Equal(1, await context.OutboxMessages.CountAsync(m => m.DispatchedAt == null));
        Assert.Equal(1, await context.Jobs.CountAsync(j => j.Status == "queued"));
        foreach (var (id, person, e) in legacy.Stored.Take(20))
        {
            var face = await context.Faces.AsNoTracking().SingleAsync(f => f.Id == id);
            Assert.Equal(person, face.PersonId);
            Assert.Equal(e, face.Embedding.ToArray());
        }
        // The search runs on the new index: each stored face finds itself, the nearest at distance 0.
        var store = new FaceStore(Options.Create(new IdentityOptions()));
        await using var connection = await legacy.AppDataSource.OpenConnectionAsync();
        await connection.ReloadTypesAsync();
        foreach (var (id, _, e) in legacy.Stored.Where((_, i) => i % 30 == 0))
            Assert.Equal(id, (await store.NearestAsync(e, 10, connection, null, modelVersion: "m@1"))[0].FaceId);
        // The constraints that became indexes still hold.
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => LegacyDatabaseFixture.ExecuteAsync(connection,
            "INSERT INTO frames (id, sha256, captured_at) VALUES (@id, 'abc', now())", ("id", Guid.NewGuid())));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);

        // A second run finds nothing to do.
        await DatabaseMigrator.PrepareAsync(legacy.OwnerConnectionString, TestInfrastructure.AppRole, legacy.Infrastructure.AppPassword, default);
        Assert.Equal(await SchemaCatalog.ReadAsync(fresh.OwnerDataSource), await SchemaCatalog.ReadAsync(legacy.OwnerDataSource));
    }

    [Fact]
    public async Task ADatabaseStoppedPartWayThroughTheOldMigrationsIsRefusedWithWhatToDoAndLeftAsItWas()
    {
        var name = "facedb_partial_" + Guid.NewGuid().ToString("N")[..8];
        await fresh.Infrastructure.RunSuperuserSqlAsync("postgres", $"CREATE DATABASE {name}");
        try
        {
            var owner = PostgresDatabaseFixture.WithDatabase(fresh.OwnerConnectionString, name);
            // The old schema up to 20261129000000_ReprocessJobKind: without its last migration's column and history row.
            var script = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Legacy", "HandWrittenSchema.sql")))
                .Replace("ALTER TABLE frames ADD COLUMN claimed_at timestamptz NULL;", "")
                .Replace(",\n  ('20261130000000_FrameClaimedAt', '10.0.14')", "");
            await using (var dataSource = NpgsqlDataSource.Create(owner))
            {
                await using (var command = dataSource.CreateCommand(script))
                    await command.ExecuteNonQueryAsync();
                var before = await SchemaCatalog.ReadAsync(dataSource);

                var refused = await Assert.ThrowsAsync<LegacySchemaException>(() =>
                    DatabaseMigrator.PrepareAsync(owner, TestInfrastructure.AppRole, fresh.Infrastructure.AppPassword, default));
                Assert.Contains("only up to 20261129000000_ReprocessJobKind", refused.Message);
                Assert.Contains("commit f1d013c", refused.Message);
                Assert.Equal(before, await SchemaCatalog.ReadAsync(dataSource));
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await fresh.Infrastructure.RunSuperuserSqlAsync("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }
}
