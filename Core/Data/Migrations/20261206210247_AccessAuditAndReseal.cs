using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FaceAspire.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AccessAuditAndReseal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_jobs_kind",
                table: "jobs");

            migrationBuilder.AddCheckConstraint(
                name: "ck_jobs_kind",
                table: "jobs",
                sql: "kind IN ('retention', 'recluster', 'reindex', 'reembed', 'reprocess', 'reseal')");

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_actor_id",
                table: "audit_log",
                columns: new[] { "actor", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_subject_id",
                table: "audit_log",
                columns: new[] { "subject", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_jobs_kind",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_audit_log_actor_id",
                table: "audit_log");

            migrationBuilder.DropIndex(
                name: "ix_audit_log_subject_id",
                table: "audit_log");

            migrationBuilder.AddCheckConstraint(
                name: "ck_jobs_kind",
                table: "jobs",
                sql: "kind IN ('retention', 'recluster', 'reindex', 'reembed', 'reprocess')");
        }
    }
}
