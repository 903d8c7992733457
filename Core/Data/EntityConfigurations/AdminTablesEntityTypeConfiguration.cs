using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class PersonPairRejectionEntityTypeConfiguration : IEntityTypeConfiguration<PersonPairRejection>
{
    public void Configure(EntityTypeBuilder<PersonPairRejection> builder)
    {
        // One row per unordered pair, the smaller id first.
        builder.ToTable("person_pair_rejections", t => t.HasCheckConstraint("ck_person_pair_rejections_order", "person_a < person_b"));
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
