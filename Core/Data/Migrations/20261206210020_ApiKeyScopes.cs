using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FaceAspire.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyScopes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "expires_at",
                table: "api_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "scopes",
                table: "api_keys",
                type: "text[]",
                nullable: false,
                defaultValueSql: "ARRAY['ingest', 'read', 'manage']::text[]");

            // Keys made before scopes existed keep working for everything they did; new keys name their scopes.
            migrationBuilder.Sql("ALTER TABLE api_keys ALTER COLUMN scopes DROP DEFAULT;");

            migrationBuilder.AddCheckConstraint(
                name: "ck_api_keys_scopes",
                table: "api_keys",
                sql: "cardinality(scopes) > 0 AND scopes <@ ARRAY['ingest', 'read', 'manage']::text[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_api_keys_scopes",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "expires_at",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "scopes",
                table: "api_keys");
        }
    }
}
