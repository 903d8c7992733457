using FaceAspire.Core.Messaging;

namespace FaceAspire.Core.Data.Migrations;

/// <summary>
/// The hand-written part of the <c>Baseline</c> migration: database objects EF Core's model has no words for. Each was
/// a hand-written migration before the baseline replaced them (ADR 0023) and keeps its reason:
/// <list type="bullet">
/// <item>Image columns are stored EXTERNAL: JPEG/PNG bytes do not compress, and with the default (EXTENDED) PostgreSQL
/// runs pglz over every value above ~2 KB first (the top PostgreSQL function in a perf profile of the end-to-end bench).</item>
/// <item><c>faces.written_xact</c> is stamped by a trigger when a face's vector is re-embedded (inserts take the column
/// default): the matcher's new-person catch-up finds the faces its search's snapshot could not see by it (ADR 0012).</item>
/// <item><c>faceaspire_reindex_embeddings()</c>, SECURITY DEFINER: lets the app role rebuild the HNSW index (a plain,
/// write-blocking REINDEX) when the worker has no owner connection string; REINDEX CONCURRENTLY cannot run inside a
/// function, so the concurrent rebuild needs the owner (Worker/Jobs/ReindexJob).</item>
/// <item>A statement trigger on <c>outbox_messages</c> sends <c>NOTIFY <see cref="OutboxWriter.NotifyChannel"/></c> for
/// every insert, delivered at commit, so every process's outbox relay learns of rows any process wrote (ADR 0024).</item>
/// </list>
/// </summary>
internal static class BaselineSql
{
    public const string Up = $"""
        ALTER TABLE frame_images ALTER COLUMN content SET STORAGE EXTERNAL, ALTER COLUMN thumbnail SET STORAGE EXTERNAL;
        ALTER TABLE faces ALTER COLUMN crop SET STORAGE EXTERNAL;

        CREATE FUNCTION faces_stamp_written_xact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.written_xact := pg_current_xact_id();
          RETURN NEW;
        END $$;
        CREATE TRIGGER faces_written_xact BEFORE UPDATE OF embedding, model_version ON faces
          FOR EACH ROW EXECUTE FUNCTION faces_stamp_written_xact();

        CREATE FUNCTION faceaspire_reindex_embeddings() RETURNS void
          LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          REINDEX INDEX {FaceSchema.HnswIndex};
        END $$;

        {OutboxNotify}
        """;

    /// <summary>The outbox's NOTIFY trigger; also added to a database upgraded from the hand-written migrations.</summary>
    public const string OutboxNotify = $"""
        CREATE FUNCTION outbox_messages_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('{OutboxWriter.NotifyChannel}', '');
          RETURN NULL;
        END $$;
        CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
          FOR EACH STATEMENT EXECUTE FUNCTION outbox_messages_notify();
        """;

    public const string Down = """
        DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
        DROP FUNCTION IF EXISTS outbox_messages_notify();
        DROP FUNCTION IF EXISTS faceaspire_reindex_embeddings();
        DROP TRIGGER IF EXISTS faces_written_xact ON faces;
        DROP FUNCTION IF EXISTS faces_stamp_written_xact();
        """;
}
