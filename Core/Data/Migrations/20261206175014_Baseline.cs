using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Pgvector;

#nullable disable

namespace FaceAspire.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:vector", ",,");

            migrationBuilder.CreateTable(
                name: "admin_users",
                columns: table => new
                {
                    username = table.Column<string>(type: "text", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_users", x => x.username);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    prefix = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    actor = table.Column<string>(type: "text", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    subject = table.Column<string>(type: "text", nullable: true),
                    details = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "frames",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: true),
                    captured_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    width = table.Column<int>(type: "integer", nullable: true),
                    height = table.Column<int>(type: "integer", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false, defaultValue: "queued"),
                    error = table.Column<string>(type: "text", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_frames", x => x.id);
                    table.CheckConstraint("ck_frames_status", "status IN ('queued', 'processing', 'done', 'failed')");
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false, defaultValue: "queued"),
                    done = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    total = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    requested_by = table.Column<string>(type: "text", nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: true),
                    result = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                    table.CheckConstraint("ck_jobs_kind", "kind IN ('retention', 'recluster', 'reindex', 'reembed', 'reprocess')");
                    table.CheckConstraint("ck_jobs_status", "status IN ('queued', 'running', 'done', 'failed')");
                });

            migrationBuilder.CreateTable(
                name: "mood_results",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    session = table.Column<string>(type: "text", nullable: false),
                    captured_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    dominant = table.Column<string>(type: "text", nullable: false),
                    angry = table.Column<float>(type: "real", nullable: false),
                    disgust = table.Column<float>(type: "real", nullable: false),
                    fear = table.Column<float>(type: "real", nullable: false),
                    happy = table.Column<float>(type: "real", nullable: false),
                    sad = table.Column<float>(type: "real", nullable: false),
                    surprise = table.Column<float>(type: "real", nullable: false),
                    neutral = table.Column<float>(type: "real", nullable: false),
                    engagement_score = table.Column<float>(type: "real", nullable: false),
                    engagement_status = table.Column<string>(type: "text", nullable: false),
                    age = table.Column<float>(type: "real", nullable: true),
                    gender = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mood_results", x => x.id);
                    table.CheckConstraint("ck_mood_results_score", "engagement_score BETWEEN 0 AND 100");
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    dispatched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    trace_parent = table.Column<string>(type: "text", nullable: true),
                    trace_state = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "person_merges",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    actor = table.Column<string>(type: "text", nullable: false),
                    target_person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    moved_face_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    source_snapshot = table.Column<string>(type: "jsonb", nullable: false),
                    undone_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_merges", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "person_pair_rejections",
                columns: table => new
                {
                    person_a = table.Column<Guid>(type: "uuid", nullable: false),
                    person_b = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    actor = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_pair_rejections", x => new { x.person_a, x.person_b });
                    table.CheckConstraint("ck_person_pair_rejections_order", "person_a < person_b");
                });

            migrationBuilder.CreateTable(
                name: "frame_images",
                columns: table => new
                {
                    frame_id = table.Column<Guid>(type: "uuid", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    thumbnail = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_frame_images", x => x.frame_id);
                    table.ForeignKey(
                        name: "fk_frame_images_frames_frame_id",
                        column: x => x.frame_id,
                        principalTable: "frames",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "emotions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    face_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    frame_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "text", nullable: true),
                    captured_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    dominant = table.Column<string>(type: "text", nullable: false),
                    confidence = table.Column<float>(type: "real", nullable: false),
                    angry = table.Column<float>(type: "real", nullable: false),
                    disgust = table.Column<float>(type: "real", nullable: false),
                    fear = table.Column<float>(type: "real", nullable: false),
                    happy = table.Column<float>(type: "real", nullable: false),
                    sad = table.Column<float>(type: "real", nullable: false),
                    surprise = table.Column<float>(type: "real", nullable: false),
                    neutral = table.Column<float>(type: "real", nullable: false),
                    age = table.Column<float>(type: "real", nullable: true),
                    gender = table.Column<string>(type: "text", nullable: true),
                    x = table.Column<float>(type: "real", nullable: false),
                    y = table.Column<float>(type: "real", nullable: false),
                    w = table.Column<float>(type: "real", nullable: false),
                    h = table.Column<float>(type: "real", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_emotions", x => x.id);
                    table.ForeignKey(
                        name: "fk_emotions_frames_frame_id",
                        column: x => x.frame_id,
                        principalTable: "frames",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "faces",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    frame_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    new_person = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    x = table.Column<float>(type: "real", nullable: false),
                    y = table.Column<float>(type: "real", nullable: false),
                    w = table.Column<float>(type: "real", nullable: false),
                    h = table.Column<float>(type: "real", nullable: false),
                    landmarks = table.Column<float[]>(type: "real[]", nullable: false),
                    det_score = table.Column<float>(type: "real", nullable: false),
                    quality = table.Column<float>(type: "real", nullable: false),
                    embedding = table.Column<Vector>(type: "vector(512)", nullable: false),
                    half_embedding = table.Column<HalfVector>(type: "halfvec(512)", nullable: false, computedColumnSql: "(embedding::halfvec(512))", stored: true),
                    model_version = table.Column<string>(type: "text", nullable: false),
                    crop = table.Column<byte[]>(type: "bytea", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    captured_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "text", nullable: true),
                    written_xact = table.Column<ulong>(type: "xid8", nullable: true, defaultValueSql: "pg_current_xact_id()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_faces", x => x.id);
                    table.CheckConstraint("ck_faces_landmarks", "cardinality(landmarks) = 10");
                    table.ForeignKey(
                        name: "fk_faces_frames_frame_id",
                        column: x => x.frame_id,
                        principalTable: "frames",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "persons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    cover_face_id = table.Column<Guid>(type: "uuid", nullable: true),
                    hidden = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    face_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    best_quality = table.Column<float>(type: "real", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_persons", x => x.id);
                    table.ForeignKey(
                        name: "fk_persons_cover_face",
                        column: x => x.cover_face_id,
                        principalTable: "faces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "merge_suggestions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    target_person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_faces = table.Column<int>(type: "integer", nullable: false),
                    similarity = table.Column<float>(type: "real", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    status = table.Column<string>(type: "text", nullable: false, defaultValue: "open")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merge_suggestions", x => x.id);
                    table.CheckConstraint("ck_merge_suggestions_status", "status IN ('open', 'accepted', 'rejected')");
                    table.ForeignKey(
                        name: "fk_merge_suggestions_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_merge_suggestions_persons_source_person_id",
                        column: x => x.source_person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_merge_suggestions_persons_target_person_id",
                        column: x => x.target_person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ux_api_keys_hash",
                table: "api_keys",
                column: "hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_at",
                table: "audit_log",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_emotions_captured_at",
                table: "emotions",
                column: "captured_at");

            migrationBuilder.CreateIndex(
                name: "ix_emotions_face_id",
                table: "emotions",
                column: "face_id");

            migrationBuilder.CreateIndex(
                name: "ix_emotions_frame_id",
                table: "emotions",
                column: "frame_id");

            migrationBuilder.CreateIndex(
                name: "ix_emotions_person_id_captured_at",
                table: "emotions",
                columns: new[] { "person_id", "captured_at" });

            migrationBuilder.CreateIndex(
                name: "ix_emotions_source_captured_at",
                table: "emotions",
                columns: new[] { "source", "captured_at" });

            migrationBuilder.CreateIndex(
                name: "ix_faces_embedding_hnsw",
                table: "faces",
                column: "half_embedding")
                .Annotation("Npgsql:IndexMethod", "hnsw")
                .Annotation("Npgsql:IndexOperators", new[] { "halfvec_cosine_ops" })
                .Annotation("Npgsql:StorageParameter:ef_construction", 64)
                .Annotation("Npgsql:StorageParameter:m", 16);

            migrationBuilder.CreateIndex(
                name: "ix_faces_frame_id",
                table: "faces",
                column: "frame_id");

            migrationBuilder.CreateIndex(
                name: "ix_faces_person_id_captured_at",
                table: "faces",
                columns: new[] { "person_id", "captured_at" });

            migrationBuilder.CreateIndex(
                name: "ix_faces_written_xact",
                table: "faces",
                column: "written_xact");

            migrationBuilder.CreateIndex(
                name: "ix_frames_captured_at",
                table: "frames",
                column: "captured_at");

            migrationBuilder.CreateIndex(
                name: "ux_frames_sha256",
                table: "frames",
                column: "sha256",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_jobs_created_at",
                table: "jobs",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ux_jobs_active_kind",
                table: "jobs",
                column: "kind",
                unique: true,
                filter: "status IN ('queued', 'running')");

            migrationBuilder.CreateIndex(
                name: "ix_merge_suggestions_job_id",
                table: "merge_suggestions",
                column: "job_id");

            migrationBuilder.CreateIndex(
                name: "ix_merge_suggestions_source_person_id",
                table: "merge_suggestions",
                column: "source_person_id");

            migrationBuilder.CreateIndex(
                name: "ix_merge_suggestions_status",
                table: "merge_suggestions",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_merge_suggestions_target_person_id",
                table: "merge_suggestions",
                column: "target_person_id");

            migrationBuilder.CreateIndex(
                name: "ix_mood_results_session_captured_at",
                table: "mood_results",
                columns: new[] { "session", "captured_at" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending",
                table: "outbox_messages",
                column: "id",
                filter: "dispatched_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_person_merges_target_person_id",
                table: "person_merges",
                column: "target_person_id");

            migrationBuilder.CreateIndex(
                name: "ix_persons_cover_face_id",
                table: "persons",
                column: "cover_face_id");

            migrationBuilder.CreateIndex(
                name: "ix_persons_last_seen",
                table: "persons",
                column: "last_seen");

            migrationBuilder.AddForeignKey(
                name: "fk_emotions_faces_face_id",
                table: "emotions",
                column: "face_id",
                principalTable: "faces",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_emotions_persons_person_id",
                table: "emotions",
                column: "person_id",
                principalTable: "persons",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "fk_faces_persons_person_id",
                table: "faces",
                column: "person_id",
                principalTable: "persons",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            // What the model cannot say, written by hand (the rest of this file is generated by dotnet ef).
            migrationBuilder.Sql(BaselineSql.Up);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(BaselineSql.Down);

            migrationBuilder.DropForeignKey(
                name: "fk_persons_cover_face",
                table: "persons");

            migrationBuilder.DropTable(
                name: "admin_users");

            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "emotions");

            migrationBuilder.DropTable(
                name: "frame_images");

            migrationBuilder.DropTable(
                name: "merge_suggestions");

            migrationBuilder.DropTable(
                name: "mood_results");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "person_merges");

            migrationBuilder.DropTable(
                name: "person_pair_rejections");

            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "faces");

            migrationBuilder.DropTable(
                name: "frames");

            migrationBuilder.DropTable(
                name: "persons");
        }
    }
}
