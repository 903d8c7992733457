using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FaceAspire.Core.Data.Migrations;

/// <summary>
/// Image columns (<c>frame_images.content</c>, <c>frame_images.thumbnail</c>, <c>faces.crop</c>) are JPEG or PNG
/// bytes, already compressed. With the default storage (EXTENDED) PostgreSQL runs pglz over every value above
/// ~2 KB before it gives up and stores it as it is: <c>pglz_compress</c> was the top PostgreSQL function in a perf
/// profile of the end-to-end bench. EXTERNAL keeps out-of-line (TOAST) storage without the compression attempt.
/// Applies to rows written from now on; existing rows are untouched (no rewrite).
/// </summary>
[DbContext(typeof(FaceDbContext))]
[Migration("20261126000000_IncompressibleBytes")]
public sealed class IncompressibleBytes : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE frame_images ALTER COLUMN content SET STORAGE EXTERNAL, ALTER COLUMN thumbnail SET STORAGE EXTERNAL;
            ALTER TABLE faces ALTER COLUMN crop SET STORAGE EXTERNAL;
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE frame_images ALTER COLUMN content SET STORAGE EXTENDED, ALTER COLUMN thumbnail SET STORAGE EXTENDED;
            ALTER TABLE faces ALTER COLUMN crop SET STORAGE EXTENDED;
            """);
    }
}
