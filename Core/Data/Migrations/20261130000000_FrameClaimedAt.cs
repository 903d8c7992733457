using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FaceAspire.Core.Data.Migrations;

/// <summary>
/// Adds <c>frames.claimed_at</c>: when a worker last started on the frame (<see cref="Identity.FrameWriter.ClaimAsync"/>).
/// A frame still <c>processing</c> long after that lost its worker and its message (for instance a fault that ran out
/// of retries in a long outage); the <c>reprocess</c> job's <c>stuckMinutes</c> finds such frames by it. Nullable
/// without a default, so adding it rewrites no rows; frames claimed before it stay NULL.
/// </summary>
[DbContext(typeof(FaceDbContext))]
[Migration("20261130000000_FrameClaimedAt")]
public sealed class FrameClaimedAt : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE frames ADD COLUMN claimed_at timestamptz NULL;");

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE frames DROP COLUMN claimed_at;");
}
