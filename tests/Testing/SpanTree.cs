using System.Text;

namespace FaceAspire.Testing;

/// <summary>Prints received spans as an indented tree (service, scope, name), for test output and failure messages.</summary>
public static class SpanTree
{
    public static string Render(IReadOnlyList<ReceivedSpan> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans.ToLookup(s => s.ParentSpanId);
        var text = new StringBuilder();
        void Walk(ReceivedSpan span, int depth)
        {
            text.Append(' ', depth * 2).Append(span.Name).Append("  [").Append(span.ServiceName).Append(' ').Append(span.Scope).Append(']');
            // Npgsql names every command span after the database system; the statement says what it was.
            var sql = span.Attributes.GetValueOrDefault("db.query.text") ?? span.Attributes.GetValueOrDefault("db.statement");
            if (sql is not null)
            {
                var flat = string.Join(' ', sql.Split(['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
                text.Append("  ").Append(flat.Length > 60 ? flat[..60] + "…" : flat);
            }
            text.Append('\n');
            foreach (var child in children[span.SpanId])
                Walk(child, depth + 1);
        }
        // Roots and orphans (parent not received) both start a tree.
        foreach (var top in spans.Where(s => s.ParentSpanId == "" || !ids.Contains(s.ParentSpanId)))
        {
            if (top.ParentSpanId != "")
                text.Append("(orphan, parent ").Append(top.ParentSpanId).Append(")\n");
            Walk(top, 0);
        }
        return text.ToString();
    }
}
