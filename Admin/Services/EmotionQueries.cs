using System.Globalization;
using System.Text;
using FaceAspire.Core.Contracts;
using Npgsql;

namespace FaceAspire.Admin.Services;

/// <summary>Filters of the emotion log explorer; null = no filter. Times are UTC.</summary>
public sealed record EmotionFilter(Guid? PersonId, string? Source, string? Emotion, DateTime? From, DateTime? To);

/// <summary>One emotion-log row as the explorer lists it.</summary>
public sealed record EmotionRow(long Id, DateTimeOffset CapturedAt, Guid? PersonId, string? PersonName, string? Source,
    string Dominant, float Confidence, float? Age, string? Gender, Guid FaceId);

/// <summary>Counts per emotion label for one time bucket (labels in <see cref="EmotionLabels.All"/> order).</summary>
public sealed record TimelineBucket(DateTimeOffset Start, int[] Counts);

/// <summary>
/// Reads the emotion log (<c>emotions</c>) under one <see cref="EmotionFilter"/>: the page, the total, the
/// charts' aggregates and the CSV export all use the same WHERE clause and order (newest first, then id), so the
/// export holds exactly the rows the table pages through.
/// </summary>
public sealed class EmotionQueries(NpgsqlDataSource dataSource)
{
    private const string Order = "ORDER BY e.captured_at DESC, e.id DESC";

    /// <summary>Total rows matching.</summary>
    public async Task<long> CountAsync(EmotionFilter filter, CancellationToken ct)
    {
        await using var command = Build(filter, "SELECT count(*) FROM emotions e");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One page (0-based) of matching rows, newest first.</summary>
    public async Task<IReadOnlyList<EmotionRow>> PageAsync(EmotionFilter filter, int page, int pageSize, CancellationToken ct)
    {
        await using var command = Build(filter, """
            SELECT e.id, e.captured_at, e.person_id, p.name, e.source, e.dominant, e.confidence, e.age, e.gender, e.face_id
            FROM emotions e LEFT JOIN persons p ON p.id = e.person_id
            """, $"{Order} LIMIT {pageSize} OFFSET {(long)page * pageSize}");
        var rows = new List<EmotionRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new EmotionRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetFloat(6),
                reader.IsDBNull(7) ? null : reader.GetFloat(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetGuid(9)));
        }
        return rows;
    }

    /// <summary>Rows per dominant label, in <see cref="EmotionLabels.All"/> order.</summary>
    public async Task<int[]> DistributionAsync(EmotionFilter filter, CancellationToken ct)
    {
        var counts = new int[EmotionLabels.Count];
        await using var command = Build(filter, "SELECT e.dominant, count(*)::int FROM emotions e", "GROUP BY e.dominant");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var i = EmotionLabels.IndexOf(reader.GetString(0));
            if (i >= 0)
                counts[i] = reader.GetInt32(1);
        }
        return counts;
    }

    /// <summary>
    /// Rows per dominant label per time bucket, oldest first. The bucket ('minute', 'hour' or 'day') is chosen
    /// from the span of the matching rows so the chart has at most a few hundred bars.
    /// </summary>
    public async Task<(string Unit, IReadOnlyList<TimelineBucket> Buckets)> TimelineAsync(EmotionFilter filter, CancellationToken ct)
    {
        string unit;
        await using (var span = Build(filter, "SELECT extract(epoch FROM max(e.captured_at) - min(e.captured_at)) FROM emotions e"))
        {
            var seconds = await span.ExecuteScalarAsync(ct) is decimal d ? (double)d : 0;
            unit = seconds <= 6 * 3600 ? "minute" : seconds <= 14 * 86400 ? "hour" : "day";
        }
        var buckets = new SortedDictionary<DateTimeOffset, int[]>();
        await using var command = Build(filter, $"SELECT date_trunc('{unit}', e.captured_at), e.dominant, count(*)::int FROM emotions e",
            "GROUP BY 1, 2");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var start = reader.GetFieldValue<DateTimeOffset>(0);
            if (!buckets.TryGetValue(start, out var counts))
                buckets[start] = counts = new int[EmotionLabels.Count];
            var i = EmotionLabels.IndexOf(reader.GetString(1));
            if (i >= 0)
                counts[i] = reader.GetInt32(2);
        }
        FillGaps(buckets, unit);
        return (unit, [.. buckets.Select(kv => new TimelineBucket(kv.Key, kv.Value))]);
    }

    /// <summary>Mean probability of each label (in <see cref="EmotionLabels.All"/> order) over the matching rows.</summary>
    public async Task<float[]> ProfileAsync(EmotionFilter filter, CancellationToken ct)
    {
        await using var command = Build(filter, """
            SELECT avg(e.angry), avg(e.disgust), avg(e.fear), avg(e.happy), avg(e.sad), avg(e.surprise), avg(e.neutral)
            FROM emotions e
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return [.. Enumerable.Range(0, EmotionLabels.Count).Select(i => reader.IsDBNull(i) ? 0f : (float)reader.GetDouble(i))];
    }

    /// <summary>Writes every matching row as CSV (RFC 4180, header first, UTF-8, invariant numbers) in table order.</summary>
    public async Task WriteCsvAsync(EmotionFilter filter, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteAsync("id,captured_at,person_id,person_name,source,dominant,confidence," +
            string.Join(',', EmotionLabels.All) + ",age,gender,x,y,w,h,face_id,frame_id\n");
        await using var command = Build(filter, """
            SELECT e.id, e.captured_at, e.person_id, p.name, e.source, e.dominant, e.confidence,
                   e.angry, e.disgust, e.fear, e.happy, e.sad, e.surprise, e.neutral, e.age, e.gender, e.x, e.y, e.w, e.h,
                   e.face_id, e.frame_id
            FROM emotions e LEFT JOIN persons p ON p.id = e.person_id
            """, Order);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var fields = new string[reader.FieldCount];
        while (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < fields.Length; i++)
                fields[i] = Csv(reader.IsDBNull(i) ? null : reader.GetValue(i));
            await writer.WriteAsync(string.Join(',', fields));
            await writer.WriteAsync('\n');
        }
    }

    /// <summary>Distinct sources in the log (for the filter's list), at most 200.</summary>
    public async Task<IReadOnlyList<string>> SourcesAsync(CancellationToken ct)
    {
        var list = new List<string>();
        await using var command = dataSource.CreateCommand(
            "SELECT DISTINCT source FROM emotions WHERE source IS NOT NULL ORDER BY source LIMIT 200");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(reader.GetString(0));
        return list;
    }

    /// <summary>Adds empty buckets between the first and last so the x axis is continuous time (up to 1000 buckets).</summary>
    private static void FillGaps(SortedDictionary<DateTimeOffset, int[]> buckets, string unit)
    {
        if (buckets.Count < 2)
            return;
        var step = unit switch { "minute" => TimeSpan.FromMinutes(1), "hour" => TimeSpan.FromHours(1), _ => TimeSpan.FromDays(1) };
        var (first, last) = (buckets.Keys.First(), buckets.Keys.Last());
        if ((last - first) / step > 1000)
            return;
        for (var t = first; t < last; t += step)
            buckets.TryAdd(t, new int[EmotionLabels.Count]);
    }

    private static string Csv(object? value)
    {
        var s = value switch
        {
            null => "",
            DateTime dt => dt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    private NpgsqlCommand Build(EmotionFilter f, string select, string tail = "")
    {
        var command = dataSource.CreateCommand();
        var where = new List<string>();
        if (f.PersonId is { } person)
        {
            where.Add("e.person_id = @person");
            command.Parameters.AddWithValue("person", person);
        }
        if (!string.IsNullOrEmpty(f.Source))
        {
            where.Add("e.source = @source");
            command.Parameters.AddWithValue("source", f.Source);
        }
        if (!string.IsNullOrEmpty(f.Emotion))
        {
            where.Add("e.dominant = @emotion");
            command.Parameters.AddWithValue("emotion", f.Emotion);
        }
        if (f.From is { } from)
        {
            where.Add("e.captured_at >= @from");
            command.Parameters.AddWithValue("from", DateTime.SpecifyKind(from, DateTimeKind.Utc));
        }
        if (f.To is { } to)
        {
            where.Add("e.captured_at < @to");
            command.Parameters.AddWithValue("to", DateTime.SpecifyKind(to, DateTimeKind.Utc));
        }
        command.CommandText = select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " " + tail;
        return command;
    }
}
