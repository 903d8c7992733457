using System.Data.Common;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// 10,000 faces (500 persons × 20, two embedding models) and planner statistics, as a small production database
/// has them: the size at which the planner, left alone, prefers a sequential scan to the HNSW index.
/// </summary>
public sealed class TenThousandFacesFixture : PostgresDatabaseFixture
{
    public const int Count = 10_000;
    public const string Model = "fr_feature@test";
    public List<float[]> Embeddings { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var rng = new Random(20261206);
        var frameId = await TestData.InsertFrameAsync(AppDataSource);
        await using var connection = await AppDataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var persons = Enumerable.Range(0, Count / 20).Select(_ => Guid.CreateVersion7()).ToList();
        await using (var insertPersons = new NpgsqlCommand("INSERT INTO persons (id) SELECT unnest(@ids)", connection, transaction))
        {
            insertPersons.Parameters.AddWithValue("ids", persons.ToArray());
            await insertPersons.ExecuteNonQueryAsync();
        }
        for (var start = 0; start < Count; start += 1000)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            for (var i = start; i < start + 1000; i++)
            {
                var e = TestData.RandomUnit(rng);
                Embeddings.Add(e);
                // Every tenth face of another model, as while a re-embedding job runs: the model filter filters.
                var origin = new FaceOrigin(frameId, DateTimeOffset.UtcNow, "cam-1", i % 10 == 0 ? "old_model@000000000000" : Model);
                batch.BatchCommands.Add(FaceStore.InsertFaceCommand(Guid.CreateVersion7(), persons[i / 20], false, TestData.Face(e), origin));
            }
            await batch.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        await using var analyze = OwnerDataSource.CreateCommand("ANALYZE faces; ANALYZE persons");
        await analyze.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Every nearest-neighbour search of <see cref="FaceStore"/> (the one place they live) is planned as a scan of the HNSW
/// index <c>ix_faces_embedding_hnsw</c>, with the settings it runs under, at 10,000 faces: the matcher's first search and
/// its new-person re-search (SQL, model-filtered), the unfiltered search, the identify request's nearest persons
/// (LINQ), and the merge suggestions' face pairs. A query ordered by another expression, or one the planner would
/// rather answer with a sequential scan, fails here.
/// </summary>
public sealed class KnnPlanTests(TenThousandFacesFixture db) : IClassFixture<TenThousandFacesFixture>
{
    private const string IndexScan = "Index Scan using ix_faces_embedding_hnsw on faces";
    private readonly FaceStore _store = new(Options.Create(new IdentityOptions()));

    public static TheoryData<string> SqlPaths => ["first search", "new-person re-search", "unfiltered"];

    [Theory]
    [MemberData(nameof(SqlPaths))]
    public async Task TheMatchersSearchesScanTheHnswIndex(string path)
    {
        var options = _store.Options;
        var commands = path switch
        {
            "first search" => _store.NearestCommands(db.Embeddings[7], options.TopK, TenThousandFacesFixture.Model),
            "new-person re-search" => _store.NearestCommands(db.Embeddings[7], options.TopK, TenThousandFacesFixture.Model, options.EffectiveNewPersonEfSearch),
            _ => _store.NearestCommands(db.Embeddings[7], options.TopK),
        };
        await using var connection = await db.AppDataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var setting in commands.SkipLast(1))
        {
            await using var set = new NpgsqlCommand(setting.CommandText, connection, transaction);
            await set.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF) " + commands[^1].CommandText, connection, transaction);
        foreach (NpgsqlParameter parameter in commands[^1].Parameters)
            explain.Parameters.Add(parameter.Clone());
        var plan = await PlanAsync(explain);
        AssertIndexScanOnly(plan);
        // The filtered searches return k rows although a tenth of the faces are of another model (iterative scan).
        Assert.Contains($"rows={options.TopK} loops=1", plan.Split('\n')[0]);
    }

    [Fact]
    public async Task TheIdentifyRequestsNearestPersonsScanTheHnswIndex()
    {
        await using var context = db.CreateDbContext();
        var query = FaceStore.NearestPersonsQuery(context, db.Embeddings[11], TenThousandFacesFixture.Model, persons: 3, neighbourFaces: 40);
        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.Database.ExecuteSqlRawAsync(string.Join(";\n", FaceStore.SearchSettings(40)));
        await using var explain = query.CreateDbCommand();
        explain.CommandText = "EXPLAIN (ANALYZE, COSTS OFF) " + explain.CommandText;
        explain.Transaction = transaction.GetDbTransaction();
        var plan = await PlanAsync(explain);
        AssertIndexScanOnly(plan);
        // The nearest face is the query's own: its person comes first, with similarity 1.
        var found = await query.ToListAsync();
        Assert.Equal(3, found.Count);
        Assert.Equal(1f, found[0].Similarity, 4);
    }

    [Fact]
    public async Task TheMergeSuggestionsFacePairsScanTheHnswIndex()
    {
        await using var connection = await db.AppDataSource.OpenConnectionAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN (COSTS OFF) " + FaceStore.SimilarPersonPairsSql, connection);
        explain.Parameters.AddWithValue("min", 0.28f);
        explain.Parameters.AddWithValue("limit", 50);
        explain.Parameters.AddWithValue("recent", 5000);
        var plan = await PlanAsync(explain);
        // The centroids read every face (a sequential scan, on purpose); the per-seed neighbour search is the index's.
        Assert.Contains(IndexScan, plan);
    }

    private static void AssertIndexScanOnly(string plan)
    {
        Assert.True(plan.Contains(IndexScan), plan);
        Assert.False(plan.Contains("Seq Scan on faces"), plan);
    }

    private static async Task<string> PlanAsync(DbCommand explain)
    {
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }
}
