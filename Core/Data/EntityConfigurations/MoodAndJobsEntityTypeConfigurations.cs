using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class JobEntityTypeConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Status).HasDefaultValue(Jobs.JobStatus.Queued);
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
        builder.ToTable("mood_results");
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
        builder.ToTable("merge_suggestions");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityByDefaultColumn();
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(m => m.Status).HasDefaultValue("open");
        builder.HasOne<Job>().WithMany().HasForeignKey(m => m.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(m => m.TargetPersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(m => m.SourcePersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
