using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FaceAspire.Core.Data.Migrations;

/// <summary>
/// Tables the admin needs beyond the initial schema, hand-written like <see cref="Initial"/>:
/// <list type="bullet">
/// <item><c>person_pair_rejections</c> — "not the same person" answers, one row per unordered pair
/// (<c>person_a &lt; person_b</c>), so merge suggestions never offer the pair again. No foreign keys: a rejected
/// pair stays remembered across merge/undo, which deletes and recreates person rows.</item>
/// <item><c>admin_users</c> — the operator account made by the first-run setup page when no
/// <c>Admin:PasswordHash</c> is configured; the hash is ASP.NET Core Identity's <c>PasswordHasher</c> format.</item>
/// </list>
/// </summary>
[DbContext(typeof(FaceDbContext))]
[Migration("20261123000000_AdminTables")]
public sealed class AdminTables : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE person_pair_rejections (
              person_a uuid NOT NULL,
              person_b uuid NOT NULL,
              at       timestamptz NOT NULL DEFAULT now(),
              actor    text NOT NULL,
              PRIMARY KEY (person_a, person_b),
              CONSTRAINT ck_person_pair_rejections_order CHECK (person_a < person_b)
            );

            CREATE TABLE admin_users (
              username      text PRIMARY KEY,
              password_hash text NOT NULL,
              created_at    timestamptz NOT NULL DEFAULT now()
            );
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE IF EXISTS person_pair_rejections, admin_users;");
    }
}
