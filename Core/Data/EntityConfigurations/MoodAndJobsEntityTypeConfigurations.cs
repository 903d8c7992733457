using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class JobEntityTypeConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs", t =>
        {
            t.HasCheckConstraint("ck_jobs_kind", $"kind IN ({SqlList.Of(JobKinds.All)})");
            t.HasCheckConstraint("ck_jobs_status", $"status IN ({SqlList.Of(JobStatus.All)})");
        });
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Status).HasDefaultValue(JobStatus.Queued);
        builder.Property(j => j.Done).HasDefaultValue(0);
        // At most one queued or running job per kind: a second request finds the active one (JobStore, ON CONFLICT).
        builder.HasIndex(j => j.Kind).IsUnique().HasFilter("status IN ('queued', 'running')").HasDatabaseName("ux_jobs_active_kind");
        builder.Property(j => j.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(j => j.Parameters).HasColumnType("jsonb");
        builder.Property(j => j.Result).HasColumnType("jsonb");
        builder.HasIndex(j => j.CreatedAt).HasDatabaseName("ix_jobs_created_at");
    }
}

internal sealed class MoodResultEntityTypeConfiguration : IEntityTypeConfiguration<MoodResult>
{
    public void Configure(EntityTypeBuilder<MoodResult> builder)
    {
        builder.ToTable("mood_results", t => t.HasCheckConstraint("ck_mood_results_score", "engagement_score BETWEEN 0 AND 100"));
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityByDefaultColumn();
        builder.Property(m => m.ReceivedAt).HasDefaultValueSql("now()");
        builder.HasIndex(m => new { m.Session, m.CapturedAt }).HasDatabaseName("ix_mood_results_session_captured_at");
    }
}

internal sealed class MergeSuggestionEntityTypeConfiguration : IEntityTypeConfiguration<MergeSuggestion>
{
    public void Configure(EntityTypeBuilder<MergeSuggestion> builder)
    {
        builder.ToTable("merge_suggestions", t =>
            t.HasCheckConstraint("ck_merge_suggestions_status", "status IN ('open', 'accepted', 'rejected')"));
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityByDefaultColumn();
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(m => m.Status).HasDefaultValue("open");
        builder.HasIndex(m => m.Status).HasDatabaseName("ix_merge_suggestions_status");
        builder.HasOne<Job>().WithMany().HasForeignKey(m => m.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(m => m.TargetPersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(m => m.SourcePersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
