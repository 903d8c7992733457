using FaceAspire.Core.Data;
using FaceAspire.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
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
        // Every migration in the assembly, in order, starting with the generated baseline.
        Assert.Equal(context.Database.GetMigrations().ToList(), applied);
        Assert.EndsWith("_Baseline", applied[0]);
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
    public async Task TheModelHasNoChangesWithoutAMigration()
    {
        // EF's own check: the model against the last migration's snapshot. A model change without `dotnet ef migrations
        // add` fails here (and Migrate() would refuse to run).
        await using var context = db.CreateDbContext();
        Assert.False(context.Database.HasPendingModelChanges(), "the model changed without a migration: run dotnet ef migrations add (README)");
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task TheMigratedDatabaseHasEveryTableColumnIndexKeyAndCheckOfTheModelAndNothingElse()
    {
        var columns = new Dictionary<(string Table, string Column), (string Type, bool Nullable)>();
        await using (var command = db.OwnerDataSource.CreateCommand("""
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
              AND c.relname <> '__EFMigrationsHistory'
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                columns[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetBoolean(3));
        }
        var constraints = await NamesAsync("SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace");
        var indexes = await NamesAsync("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");

        await using var context = db.CreateDbContext();
        var mapped = new HashSet<(string, string)>();
        // The design-time model: the runtime one leaves out what only migrations need (check constraints).
        foreach (var entity in context.GetService<IDesignTimeModel>().Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table);
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                Assert.True(columns.TryGetValue((table, column), out var actual), $"{table}.{column} is mapped but not in the database");
                Assert.True(property.IsNullable == actual.Nullable, $"{table}.{column}: model nullable={property.IsNullable}, database {actual.Nullable}");
                Assert.Equal(property.GetColumnType(store), actual.Type);
                mapped.Add((table, column));
            }
            Assert.Contains(entity.FindPrimaryKey()!.GetName()!, constraints);
            Assert.All(entity.GetForeignKeys(), fk => Assert.Contains(fk.GetConstraintName()!, constraints));
            Assert.All(entity.GetIndexes(), ix => Assert.Contains(ix.GetDatabaseName()!, indexes));
            Assert.All(entity.GetCheckConstraints(), ck => Assert.Contains(ck.Name!, constraints));
        }
        // Every column is the model's: nothing is read or written behind EF's back.
        Assert.DoesNotContain(columns.Keys, k => !mapped.Contains(k));
    }

    [Fact]
    public async Task TheEmbeddingIsAVector512WithAHalfPrecisionHnswCosineIndexOnItsGeneratedCopy()
    {
        await using var command = db.OwnerDataSource.CreateCommand("""
            SELECT format_type(e.atttypid, e.atttypmod), format_type(h.atttypid, h.atttypmod), pg_get_expr(d.adbin, d.adrelid), i.indexdef
            FROM pg_attribute e, pg_attribute h, pg_attrdef d, pg_indexes i
            WHERE e.attrelid = 'faces'::regclass AND e.attname = 'embedding' AND h.attrelid = e.attrelid AND h.attname = 'half_embedding'
              AND d.adrelid = h.attrelid AND d.adnum = h.attnum AND i.indexname = 'ix_faces_embedding_hnsw'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(FaceSchema.VectorType, reader.GetString(0));
        Assert.Equal(FaceSchema.HalfVectorType, reader.GetString(1));
        Assert.Equal("(embedding)::halfvec(512)", reader.GetString(2));
        Assert.Contains("USING hnsw (half_embedding halfvec_cosine_ops) WITH (ef_construction='64', m='16')", reader.GetString(3));
    }

    [Fact]
    public async Task EveryJobKindAndFrameStatusInTheCodeIsAllowedByItsCheckConstraint()
    {
        // The constraints are built from these lists in the model; a kind added to the code without a migration would
        // fail every request of it (500), but fails TheModelHasNoChangesWithoutAMigration first.
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

    [Fact]
    public async Task TheAppRoleCanAppendAndReadAuditRowsButNeverChangeOrDeleteThem()
    {
        var subject = Guid.NewGuid().ToString();
        await using (var connection = await db.AppDataSource.OpenConnectionAsync())
            await AuditLog.AppendAsync("test", "read.person", subject, new { rows = 1 }, connection, null, default);
        await using (var read = db.AppDataSource.CreateCommand("SELECT count(*) FROM audit_log WHERE subject = @s"))
        {
            read.Parameters.AddWithValue("s", subject);
            Assert.Equal(1L, await read.ExecuteScalarAsync());
        }

        foreach (var sql in new[]
                 {
                     "UPDATE audit_log SET actor = 'someone else' WHERE subject = @s",
                     "DELETE FROM audit_log WHERE subject = @s",
                     "TRUNCATE audit_log",
                 })
        {
            await using var command = db.AppDataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("s", subject);
            var e = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.True(e.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {e.SqlState} {e.MessageText}");
        }
        // The row is still there, unchanged; the owner (the migration step's role) is the only one who could prune it.
        await using var check = db.OwnerDataSource.CreateCommand("SELECT actor FROM audit_log WHERE subject = @s");
        check.Parameters.AddWithValue("s", subject);
        Assert.Equal("test", await check.ExecuteScalarAsync());
    }

    private async Task<HashSet<string>> NamesAsync(string sql)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var command = db.OwnerDataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }
}
