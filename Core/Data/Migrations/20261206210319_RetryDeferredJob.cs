using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FaceAspire.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class RetryDeferredJob : Migration
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
                sql: "kind IN ('retention', 'recluster', 'reindex', 'reembed', 'reprocess', 'retry-deferred', 'reseal')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_jobs_kind",
                table: "jobs");

            migrationBuilder.AddCheckConstraint(
                name: "ck_jobs_kind",
                table: "jobs",
                sql: "kind IN ('retention', 'recluster', 'reindex', 'reembed', 'reprocess', 'reseal')");
        }
    }
}
