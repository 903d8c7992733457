using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class FaceEntityTypeConfiguration : IEntityTypeConfiguration<Face>
{
    public void Configure(EntityTypeBuilder<Face> builder)
    {
        // faces.embedding vector(512) exists in the table but not in the model: see docs/adr/0008.
        builder.ToTable("faces", t => t.HasCheckConstraint("ck_faces_landmarks", "cardinality(landmarks) = 10"));
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.CreatedAt).HasDefaultValueSql("now()");
        builder.HasIndex(f => f.FrameId).HasDatabaseName("ix_faces_frame_id");
        builder.HasIndex(f => new { f.PersonId, f.CapturedAt }).HasDatabaseName("ix_faces_person_id_captured_at");
        builder.HasOne(f => f.Frame).WithMany(fr => fr.Faces).HasForeignKey(f => f.FrameId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(f => f.Person).WithMany(p => p.Faces).HasForeignKey(f => f.PersonId).OnDelete(DeleteBehavior.SetNull);
    }
}
