using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// A database's schema as sorted text lines, from PostgreSQL's catalogs: every column of schema public (type,
/// nullability, default, generation expression, identity, storage), every constraint and index (by name, with its
/// definition), every trigger, and every function that is not an extension's. Two databases with equal lines have the
/// same schema, whatever order their columns were added in.
/// </summary>
internal static class SchemaCatalog
{
    private const string Query = """
        SELECT format('column %s.%s %s null=%s default=%s generated=%s identity=%s storage=%s', c.relname, a.attname,
                      format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                      a.attgenerated, a.attidentity, a.attstorage)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT format('constraint %s.%s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT format('trigger %s', pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL
        SELECT format('function %s', pg_get_functiondef(p.oid)) FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = p.oid AND e.deptype = 'e')
        """;

    /// <summary>The schema of the database <paramref name="dataSource"/> connects to, one sorted line per object.</summary>
    public static async Task<List<string>> ReadAsync(NpgsqlDataSource dataSource)
    {
        var lines = new List<string>();
        await using var command = dataSource.CreateCommand(Query);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
