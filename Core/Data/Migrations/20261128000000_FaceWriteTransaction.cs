using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FaceAspire.Core.Data.Migrations;

/// <summary>
/// Adds <c>faces.written_xact xid8</c>: the transaction that last wrote the face's vector, i.e. inserted it (column
/// default <c>pg_current_xact_id()</c>) or changed its <c>embedding</c> or <c>model_version</c> (trigger
/// <c>faces_written_xact</c>), with a btree index. Not mapped in EF: only the database writes it.
/// <para>
/// Why (docs/adr/0012-new-person-catch-up-by-snapshot.md): the matcher's new-person path searches at ef_search 256
/// outside the new-person lock, remembering that search's snapshot, and under the lock computes exact distances only
/// to the faces written by transactions that snapshot could not see
/// (<see cref="Identity.FaceStore.WrittenSinceCommand"/>). This column is how it finds them.
/// </para>
/// Rows written before this migration keep NULL: every snapshot taken afterwards sees them, so no catch-up needs them.
/// Adding a nullable column without a default and then setting the default rewrites nothing; the index build blocks
/// writes to <c>faces</c> while it reads the table once (migrations run before the services start).
/// </summary>
[DbContext(typeof(FaceDbContext))]
[Migration("20261128000000_FaceWriteTransaction")]
public sealed class FaceWriteTransaction : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE faces ADD COLUMN written_xact xid8;
            ALTER TABLE faces ALTER COLUMN written_xact SET DEFAULT pg_current_xact_id();
            CREATE INDEX ix_faces_written_xact ON faces (written_xact);
            CREATE FUNCTION faces_stamp_written_xact() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              NEW.written_xact := pg_current_xact_id();
              RETURN NEW;
            END $$;
            CREATE TRIGGER faces_written_xact BEFORE UPDATE OF embedding, model_version ON faces
              FOR EACH ROW EXECUTE FUNCTION faces_stamp_written_xact();
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TRIGGER faces_written_xact ON faces;
            DROP FUNCTION faces_stamp_written_xact();
            DROP INDEX ix_faces_written_xact;
            ALTER TABLE faces DROP COLUMN written_xact;
            """);
    }
}
