using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FaceAspire.Core.Data.EntityConfigurations;

internal sealed class AuditLogEntryEntityTypeConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityByDefaultColumn();
        builder.Property(a => a.At).HasDefaultValueSql("now()");
        builder.Property(a => a.Details).HasColumnType("jsonb");
        builder.HasIndex(a => a.At).HasDatabaseName("ix_audit_log_at");
        // The admin's Audit page filters by person (subject) and by actor, newest first; read audits make the table large.
        builder.HasIndex(a => new { a.Subject, a.Id }).HasDatabaseName("ix_audit_log_subject_id");
        builder.HasIndex(a => new { a.Actor, a.Id }).HasDatabaseName("ix_audit_log_actor_id");
    }
}
