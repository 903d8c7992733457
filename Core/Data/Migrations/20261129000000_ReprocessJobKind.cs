using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FaceAspire.Core.Data.Migrations;

/// <summary>
/// Allows the job kind <c>reprocess</c> (<see cref="Jobs.JobKinds.Reprocess"/>: failed frames queued again) in
/// <c>jobs.kind</c>'s check constraint. Down removes reprocess jobs first, since the old constraint rejects them.
/// </summary>
[DbContext(typeof(FaceDbContext))]
[Migration("20261129000000_ReprocessJobKind")]
public sealed class ReprocessJobKind : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE jobs DROP CONSTRAINT ck_jobs_kind;
            ALTER TABLE jobs ADD CONSTRAINT ck_jobs_kind CHECK (kind IN ('retention', 'recluster', 'reindex', 'reembed', 'reprocess'));
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DELETE FROM jobs WHERE kind = 'reprocess';
            ALTER TABLE jobs DROP CONSTRAINT ck_jobs_kind;
            ALTER TABLE jobs ADD CONSTRAINT ck_jobs_kind CHECK (kind IN ('retention', 'recluster', 'reindex', 'reembed'));
            """);
    }
}
