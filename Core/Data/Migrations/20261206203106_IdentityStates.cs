using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FaceAspire.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class IdentityStates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_faces_persons_person_id",
                table: "faces");

            migrationBuilder.AddColumn<string>(
                name: "identity_state",
                table: "faces",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "assigned");

            migrationBuilder.AddColumn<float>(
                name: "recognisability",
                table: "faces",
                type: "real",
                nullable: false,
                defaultValue: 0f);

            // Existing rows: faces without a person were unassigned by hand or by a person's deletion; the score is
            // Recognisability.Score at the default full-size IOD of 32 px (landmarks are 1-based here: x0 = [1]).
            migrationBuilder.Sql("""
                UPDATE faces SET identity_state = 'unassigned' WHERE person_id IS NULL;
                UPDATE faces SET recognisability = greatest(0, least(1, quality,
                    sqrt(power(landmarks[3] - landmarks[1], 2) + power(landmarks[4] - landmarks[2], 2)) / 32));
                """);

            migrationBuilder.CreateIndex(
                name: "ix_faces_identity_state_created_at",
                table: "faces",
                columns: new[] { "identity_state", "created_at" },
                filter: "identity_state <> 'assigned'");

            migrationBuilder.AddCheckConstraint(
                name: "ck_faces_identity_person",
                table: "faces",
                sql: "(identity_state = 'assigned') = (person_id IS NOT NULL)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_faces_identity_state",
                table: "faces",
                sql: "identity_state IN ('assigned', 'deferred', 'unidentified', 'unassigned')");

            migrationBuilder.AddForeignKey(
                name: "fk_faces_persons_person_id",
                table: "faces",
                column: "person_id",
                principalTable: "persons",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_faces_persons_person_id",
                table: "faces");

            migrationBuilder.DropIndex(
                name: "ix_faces_identity_state_created_at",
                table: "faces");

            migrationBuilder.DropCheckConstraint(
                name: "ck_faces_identity_person",
                table: "faces");

            migrationBuilder.DropCheckConstraint(
                name: "ck_faces_identity_state",
                table: "faces");

            migrationBuilder.DropColumn(
                name: "identity_state",
                table: "faces");

            migrationBuilder.DropColumn(
                name: "recognisability",
                table: "faces");

            migrationBuilder.AddForeignKey(
                name: "fk_faces_persons_person_id",
                table: "faces",
                column: "person_id",
                principalTable: "persons",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }
    }
}
