using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class EmotionRecordEntityTypeConfiguration : IEntityTypeConfiguration<EmotionRecord>
{
    public void Configure(EntityTypeBuilder<EmotionRecord> builder)
    {
        builder.ToTable("emotions");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityByDefaultColumn();
        // The three query shapes: a time range; one person over time; one camera over time.
        builder.HasIndex(e => e.CapturedAt).HasDatabaseName("ix_emotions_captured_at");
        builder.HasIndex(e => new { e.PersonId, e.CapturedAt }).HasDatabaseName("ix_emotions_person_id_captured_at");
        builder.HasIndex(e => new { e.Source, e.CapturedAt }).HasDatabaseName("ix_emotions_source_captured_at");
        builder.HasIndex(e => e.FaceId).HasDatabaseName("ix_emotions_face_id");
        builder.HasIndex(e => e.FrameId).HasDatabaseName("ix_emotions_frame_id");
        builder.HasOne<Face>().WithMany().HasForeignKey(e => e.FaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Frame>().WithMany().HasForeignKey(e => e.FrameId).OnDelete(DeleteBehavior.Cascade);
    }
}
