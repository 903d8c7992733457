using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class PersonMergeEntityTypeConfiguration : IEntityTypeConfiguration<PersonMerge>
{
    public void Configure(EntityTypeBuilder<PersonMerge> builder)
    {
        builder.ToTable("person_merges");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).UseIdentityByDefaultColumn();
        builder.Property(m => m.At).HasDefaultValueSql("now()");
        builder.Property(m => m.SourceSnapshot).HasColumnType("jsonb");
        builder.HasIndex(m => m.TargetPersonId).HasDatabaseName("ix_person_merges_target_person_id");
    }
}
