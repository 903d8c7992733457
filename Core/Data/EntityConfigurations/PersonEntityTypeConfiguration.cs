using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class PersonEntityTypeConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> builder)
    {
        builder.ToTable("persons");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(p => p.Hidden).HasDefaultValue(false);
        builder.Property(p => p.FaceCount).HasDefaultValue(0);
        builder.HasIndex(p => p.LastSeen).HasDatabaseName("ix_persons_last_seen");
        // The cover face is a second, optional relationship to faces; no navigation to keep the cycle out of EF's
        // insert ordering (persons and faces are inserted by FaceStore with SQL anyway).
        builder.HasOne<Face>().WithMany().HasForeignKey(p => p.CoverFaceId)
            .HasConstraintName("fk_persons_cover_face").OnDelete(DeleteBehavior.SetNull);
    }
}
