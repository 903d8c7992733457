using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

// The tables of migration 20261123000000_AdminTables; mapped so the schema test keeps model and database in step.
internal sealed class PersonPairRejectionEntityTypeConfiguration : IEntityTypeConfiguration<PersonPairRejection>
{
    public void Configure(EntityTypeBuilder<PersonPairRejection> builder)
    {
        builder.ToTable("person_pair_rejections");
        builder.HasKey(r => new { r.PersonA, r.PersonB });
        builder.Property(r => r.At).HasDefaultValueSql("now()");
    }
}

internal sealed class AdminUserEntityTypeConfiguration : IEntityTypeConfiguration<AdminUser>
{
    public void Configure(EntityTypeBuilder<AdminUser> builder)
    {
        builder.ToTable("admin_users");
        builder.HasKey(u => u.Username);
        builder.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
    }
}
