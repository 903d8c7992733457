using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class FrameEntityTypeConfiguration : IEntityTypeConfiguration<Frame>
{
    public void Configure(EntityTypeBuilder<Frame> builder)
    {
        builder.ToTable("frames", t => t.HasCheckConstraint("ck_frames_status", $"status IN ({SqlList.Of(FrameStatus.All)})"));
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.HasIndex(f => f.Sha256).IsUnique().HasDatabaseName("ux_frames_sha256");
        builder.HasIndex(f => f.CapturedAt).HasDatabaseName("ix_frames_captured_at");
        builder.Property(f => f.Status).HasDefaultValue(FrameStatus.Queued);
        builder.Property(f => f.Attempts).HasDefaultValue(0);
        builder.Property(f => f.ReceivedAt).HasDefaultValueSql("now()");
        builder.Property(f => f.Metadata).HasColumnType("jsonb");
        builder.HasOne(f => f.Image).WithOne().HasForeignKey<FrameImage>(i => i.FrameId).OnDelete(DeleteBehavior.Cascade);
    }
}
