using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>
/// EF Core context over the FaceAspire schema (PostgreSQL + pgvector). Tables and columns are snake_case
/// (EFCore.NamingConventions); the embedding columns are Pgvector's <c>Vector</c>/<c>HalfVector</c>. The schema comes
/// from the migrations <c>dotnet ef</c> generated from this model (<c>Data/Migrations</c>, with a model snapshot),
/// applied by <see cref="DatabaseMigrator"/>; a model change without a migration makes <c>Migrate()</c> throw
/// (EF's pending-model-changes check), which a test catches. Obtain instances from DI
/// (<see cref="FaceDbServiceCollectionExtensions.AddFaceDb"/>) or with
/// <c>new FaceDbContext(FaceDbContext.CreateOptions(dataSource))</c>, on a data source built with <c>UseVector()</c>.
/// </summary>
public sealed class FaceDbContext(DbContextOptions<FaceDbContext> options) : DbContext(options)
{
    /// <summary>Submitted images (metadata only).</summary>
    public DbSet<Frame> Frames => Set<Frame>();
    /// <summary>Image bytes, one row per frame.</summary>
    public DbSet<FrameImage> FrameImages => Set<FrameImage>();
    /// <summary>Identities.</summary>
    public DbSet<Person> Persons => Set<Person>();
    /// <summary>Detected faces with their embeddings.</summary>
    public DbSet<Face> Faces => Set<Face>();
    /// <summary>The emotion log.</summary>
    public DbSet<EmotionRecord> Emotions => Set<EmotionRecord>();
    /// <summary>Ingest API keys (hashed).</summary>
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    /// <summary>The transactional outbox.</summary>
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    /// <summary>Operator actions.</summary>
    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();
    /// <summary>Merges, for undo.</summary>
    public DbSet<PersonMerge> PersonMerges => Set<PersonMerge>();
    /// <summary>Maintenance jobs with progress.</summary>
    public DbSet<Job> Jobs => Set<Job>();
    /// <summary>Learner-mood answers stored per session.</summary>
    public DbSet<MoodResult> MoodResults => Set<MoodResult>();
    /// <summary>Merges proposed by the re-cluster job.</summary>
    public DbSet<MergeSuggestion> MergeSuggestions => Set<MergeSuggestion>();

    /// <summary>Remembered "not the same person" answers.</summary>
    public DbSet<PersonPairRejection> PersonPairRejections => Set<PersonPairRejection>();

    /// <summary>The admin user created by the first-run setup.</summary>
    public DbSet<AdminUser> AdminUsers => Set<AdminUser>();

    /// <summary>Options for a context on <paramref name="dataSource"/> (see <see cref="Configure"/>).</summary>
    /// <param name="dataSource">A data source built with <c>UseVector()</c> (<see cref="FaceDbServiceCollectionExtensions.CreateDataSource"/>).</param>
    public static DbContextOptions<FaceDbContext> CreateOptions(NpgsqlDataSource dataSource)
    {
        var builder = new DbContextOptionsBuilder<FaceDbContext>();
        Configure(builder, dataSource);
        return builder.Options;
    }

    /// <summary>The provider setup every context uses: Npgsql on <paramref name="dataSource"/> with pgvector's type
    /// mappings and <c>CosineDistance</c> translation, and snake_case names.</summary>
    public static void Configure(DbContextOptionsBuilder builder, NpgsqlDataSource dataSource) =>
        builder.UseNpgsql(dataSource, npgsql => npgsql.UseVector()).UseSnakeCaseNamingConvention();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("vector");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FaceDbContext).Assembly);
    }
}
