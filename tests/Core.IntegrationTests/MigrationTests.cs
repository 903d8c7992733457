using FaceAspire.Core.Data;
using FaceAspire.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>A database with the extension but no schema.</summary>
public sealed class EmptyDatabaseFixture : PostgresDatabaseFixture
{
    protected override bool ApplyMigrations => false;
}

public sealed class MigrationOnAnEmptyDatabaseTests(EmptyDatabaseFixture db) : IClassFixture<EmptyDatabaseFixture>
{
    [Fact]
    public async Task ConcurrentMigrationsApplyOnceAndASecondRunIsANoOp()
    {
        Assert.Empty(await DatabaseMigrator.GetAppliedMigrationsAsync(db.OwnerConnectionString, default));

        // Two processes starting at once (Api migrate + a test fixture): the advisory lock serialises them.
        await Task.WhenAll(
            DatabaseMigrator.MigrateAsync(db.OwnerConnectionString, default),
            DatabaseMigrator.MigrateAsync(db.OwnerConnectionString, default));
        var applied = await DatabaseMigrator.GetAppliedMigrationsAsync(db.OwnerConnectionString, default);
        await using var context = db.CreateDbContext();
        // Every migration in the assembly, in order, starting with the hand-written initial schema.
        Assert.Equal(context.Database.GetMigrations().ToList(), applied);
        Assert.Equal("20261122000000_Initial", applied[0]);
        var tables = await TablesAsync();
        var expected = context.Model.GetEntityTypes().Select(e => e.GetTableName()!).Append("__EFMigrationsHistory")
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, tables);
        Assert.Contains("faces", tables);

        await DatabaseMigrator.MigrateAsync(db.OwnerConnectionString, default);
        Assert.Equal(applied, await DatabaseMigrator.GetAppliedMigrationsAsync(db.OwnerConnectionString, default));
        Assert.Equal(tables, await TablesAsync());
        Assert.Equal(applied.Count, await TestData.ScalarAsync(db.OwnerDataSource, """SELECT count(*) FROM "__EFMigrationsHistory" """));
    }

    private async Task<List<string>> TablesAsync()
    {
        await using var command = db.OwnerDataSource.CreateCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }
}

public sealed class SchemaTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task ImageColumnsSkipCompression()
    {
        await using var command = db.OwnerDataSource.CreateCommand("""
            SELECT c.relname || '.' || a.attname, a.attstorage::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relname IN ('frame_images', 'faces') AND a.attname IN ('content', 'thumbnail', 'crop') ORDER BY 1
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var storage = new List<string>();
        while (await reader.ReadAsync())
            storage.Add($"{reader.GetString(0)}={reader.GetString(1)}");
        // 'e' = EXTERNAL: out of line, never compressed (JPEG/PNG bytes do not compress).
        Assert.Equal(["faces.crop=e", "frame_images.content=e", "frame_images.thumbnail=e"], storage);
    }

    [Fact]
    public async Task EveryMappedPropertyHasAColumnOfTheSameNullabilityAndOnlyTheVectorColumnsAreUnmapped()
    {
        var actual = new Dictionary<(string Table, string Column), bool>();
        await using (var command = db.OwnerDataSource.CreateCommand(
            "SELECT table_name, column_name, is_nullable = 'YES' FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                actual[(reader.GetString(0), reader.GetString(1))] = reader.GetBoolean(2);
        }

        await using var context = db.CreateDbContext();
        var mapped = new HashSet<(string, string)>();
        foreach (var entity in context.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName();
                Assert.True(actual.TryGetValue((table, column), out var nullable), $"{table}.{column} is mapped but not in the database");
                Assert.True(property.IsNullable == nullable, $"{table}.{column}: model nullable={property.IsNullable}, database nullable={nullable}");
                mapped.Add((table, column));
            }
        }
        // The embedding (raw SQL, ADR 0008) and the transaction that last wrote it (the database's own, ADR 0012).
        Assert.Equal([("faces", "embedding"), ("faces", "written_xact")], actual.Keys.Where(k => !mapped.Contains(k)).Order().ToList());
    }

    [Fact]
    public async Task TheEmbeddingIsAVector512WithAHalfPrecisionHnswCosineIndex()
    {
        await using var command = db.OwnerDataSource.CreateCommand("""
            SELECT format_type(a.atttypid, a.atttypmod), i.indexdef
            FROM pg_attribute a, pg_indexes i
            WHERE a.attrelid = 'faces'::regclass AND a.attname = 'embedding' AND i.indexname = 'ix_faces_embedding_hnsw'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal($"vector({FaceSchema.EmbeddingDimension})", reader.GetString(0));
        Assert.Contains("USING hnsw (((embedding)::halfvec(512)) halfvec_cosine_ops) WITH (m='16', ef_construction='64')", reader.GetString(1));
    }

    [Fact]
    public async Task EveryJobKindAndFrameStatusInTheCodeIsAllowedByItsCheckConstraint()
    {
        // The constraints are written by hand in migrations; a kind added to the code alone failed every request (500).
        await using var connection = await db.AppDataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var kind in Jobs.JobKinds.All)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO jobs (id, kind, requested_by) VALUES (@id, @k, 'test')", connection, transaction);
            insert.Parameters.AddWithValue("id", Guid.NewGuid());
            insert.Parameters.AddWithValue("k", kind);
            await insert.ExecuteNonQueryAsync();
            await using var clear = new NpgsqlCommand("DELETE FROM jobs WHERE kind = @k", connection, transaction);
            clear.Parameters.AddWithValue("k", kind);
            await clear.ExecuteNonQueryAsync();
        }
        var frameId = await TestData.InsertFrameAsync(db.AppDataSource);
        foreach (var status in Contracts.FrameStatus.All)
        {
            await using var update = new NpgsqlCommand("UPDATE frames SET status = @s WHERE id = @id", connection, transaction);
            update.Parameters.AddWithValue("s", status);
            update.Parameters.AddWithValue("id", frameId);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task TheAppRoleCanReadAndWriteRowsButNotChangeTheSchema()
    {
        var frameId = await TestData.InsertFrameAsync(db.AppDataSource);
        await using (var context = db.CreateDbContext())
        {
            var frame = await context.Frames.SingleAsync(f => f.Id == frameId);
            frame.Metadata = """{"note": "edited by the app role"}""";
            context.AuditLog.Add(new() { Actor = "test", Action = "frame.edit", Subject = frameId.ToString(), At = DateTimeOffset.UtcNow });
            await context.SaveChangesAsync();
            Assert.Equal(1, await context.Frames.Where(f => f.Id == frameId).ExecuteDeleteAsync());
        }

        foreach (var ddl in new[]
                 {
                     "CREATE TABLE intruder (id int)",
                     "DROP TABLE faces",
                     "ALTER TABLE persons ADD COLUMN intruder int",
                     "CREATE INDEX ix_intruder ON frames (source)",
                     "TRUNCATE emotions",
                     """INSERT INTO "__EFMigrationsHistory" VALUES ('x', 'y')""",
                 })
        {
            await using var command = db.AppDataSource.CreateCommand(ddl);
            var e = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{ddl}: {e.SqlState} {e.MessageText}");
        }
    }
}
