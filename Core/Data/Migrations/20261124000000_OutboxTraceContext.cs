using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FaceAspire.Core.Data.Migrations;

/// <summary>
/// W3C trace context on outbox rows: <c>trace_parent</c> (the <c>traceparent</c> header value,
/// <c>00-{32 hex trace id}-{16 hex span id}-{2 hex flags}</c>) and <c>trace_state</c> (<c>tracestate</c>), captured
/// from <see cref="System.Diagnostics.Activity.Current"/> when the row is written. The dispatcher sends later from a
/// background loop that has no request context; it restores these as the parent of its send span so the
/// message's MassTransit send/consume spans stay in the trace of the HTTP request that accepted the frame
/// (W3C Trace Context, https://www.w3.org/TR/trace-context/). Both NULL when nothing was tracing.
/// </summary>
[DbContext(typeof(FaceDbContext))]
[Migration("20261124000000_OutboxTraceContext")]
public sealed class OutboxTraceContext : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // Nullable columns without defaults: a metadata-only change, no table rewrite under the dispatcher's feet.
        migrationBuilder.Sql("""
            ALTER TABLE outbox_messages
              ADD COLUMN trace_parent text NULL,
              ADD COLUMN trace_state  text NULL;
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE outbox_messages DROP COLUMN IF EXISTS trace_parent, DROP COLUMN IF EXISTS trace_state;");
    }
}
