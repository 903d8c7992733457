using System.Text;
using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>
/// EF Core context over the FaceAspire schema (PostgreSQL + pgvector). Tables and columns are snake_case.
/// The schema itself comes from the hand-written migrations in <c>Data/Migrations</c>, applied by
/// <see cref="DatabaseMigrator"/>; the embedding vector column is not in the model (see <see cref="Face"/>).
/// Obtain instances from DI (<see cref="FaceDbServiceCollectionExtensions.AddFaceDb"/>) or with
/// <c>new FaceDbContext(FaceDbContext.CreateOptions(dataSource))</c>.
/// </summary>
public sealed class FaceDbContext(DbContextOptions<FaceDbContext> options) : DbContext(options)
{
    /// <summary>Submitted images (metadata only).</summary>
    public DbSet<Frame> Frames => Set<Frame>();
    /// <summary>Image bytes, one row per frame.</summary>
    public DbSet<FrameImage> FrameImages => Set<FrameImage>();
    /// <summary>Identities.</summary>
    public DbSet<Person> Persons => Set<Person>();
    /// <summary>Detected faces (insert through <see cref="Identity.FaceStore"/> only).</summary>
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

    /// <summary>
    /// Options for a context on <paramref name="dataSource"/>: Npgsql provider, and
    /// <see cref="RelationalEventId.PendingModelChangesWarning"/> ignored. EF 9+ turns that warning into an error
    /// in <c>Migrate()</c> when the migrations carry no model snapshot; ours are hand-written (the <c>dotnet ef</c>
    /// tool cannot be restored here), so there is no snapshot to compare. Drift between model and migrations is
    /// instead caught by an integration test that checks every mapped column against the migrated database.
    /// </summary>
    public static DbContextOptions<FaceDbContext> CreateOptions(NpgsqlDataSource dataSource)
    {
        var builder = new DbContextOptionsBuilder<FaceDbContext>();
        Configure(builder, dataSource);
        return builder.Options;
    }

    internal static void Configure(DbContextOptionsBuilder builder, NpgsqlDataSource dataSource) =>
        builder.UseNpgsql(dataSource)
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FaceDbContext).Assembly);
        // snake_case columns by convention (EFCore.NamingConventions is not in this registry).
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnakeCase(property.Name));
        }
    }

    /// <summary>"DetScore" → "det_score", "Sha256" → "sha256", "X" → "x".</summary>
    internal static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
