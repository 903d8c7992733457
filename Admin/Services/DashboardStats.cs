using FaceAspire.Core.Contracts;
using Npgsql;

namespace FaceAspire.Admin.Services;

/// <summary>A face centre normalised to its frame: x and y in [0, 1] from the top-left, with its emotion.</summary>
public sealed record FacePoint(float X, float Y, string Emotion);

/// <summary>What the live dashboard shows; polled as JSON every few seconds.</summary>
/// <param name="At">Server time of the snapshot.</param>
/// <param name="Frames">Frames ever received.</param>
/// <param name="FramesDone">Frames analysed.</param>
/// <param name="Faces">Faces stored.</param>
/// <param name="Persons">Persons (hidden included).</param>
/// <param name="FramesPerSecond">Frames received per second over the last <see cref="DashboardStats.WindowSeconds"/> s.</param>
/// <param name="FacesPerSecond">Faces stored per second over the same window.</param>
/// <param name="QueueDepth">Messages waiting in the analyze queue, or null when unknown.</param>
/// <param name="WorkersOnline">Consumers on the analyze queue, or null when unknown.</param>
/// <param name="Labels">Emotion labels (<see cref="EmotionLabels.All"/>).</param>
/// <param name="Distribution">Emotion rows per label among the latest 1000 (by insertion), same order as <paramref name="Labels"/>.</param>
/// <param name="Points">Centres of the latest faces (at most 500).</param>
public sealed record DashboardSnapshot(DateTimeOffset At, long Frames, long FramesDone, long Faces, long Persons,
    double FramesPerSecond, double FacesPerSecond, long? QueueDepth, int? WorkersOnline,
    IReadOnlyList<string> Labels, int[] Distribution, IReadOnlyList<FacePoint> Points);

/// <summary>Computes <see cref="DashboardSnapshot"/> from the database and the broker.</summary>
public sealed class DashboardStats(NpgsqlDataSource dataSource, QueueMonitor queue, TimeProvider clock)
{
    /// <summary>Window of the rate figures, seconds.</summary>
    public const int WindowSeconds = 30;

    /// <summary>Takes a snapshot (one round trip of batched queries plus one broker call).</summary>
    public async Task<DashboardSnapshot> GetAsync(CancellationToken ct)
    {
        var queueTask = queue.GetAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new($"""
                    SELECT (SELECT count(*) FROM frames),
                           (SELECT count(*) FROM frames WHERE status = 'done'),
                           (SELECT count(*) FROM faces),
                           (SELECT count(*) FROM persons),
                           (SELECT count(*) FROM frames WHERE received_at > now() - interval '{WindowSeconds} seconds'),
                           (SELECT count(*) FROM faces WHERE created_at > now() - interval '{WindowSeconds} seconds')
                    """),
                new("SELECT dominant, count(*)::int FROM (SELECT dominant FROM emotions ORDER BY id DESC LIMIT 1000) r GROUP BY dominant"),
                new("""
                    SELECT ((e.x + e.w / 2) / fr.width)::real, ((e.y + e.h / 2) / fr.height)::real, e.dominant
                    FROM emotions e JOIN frames fr ON fr.id = e.frame_id
                    WHERE fr.width > 0 AND fr.height > 0
                    ORDER BY e.id DESC LIMIT 500
                    """),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (frames, done, faces, persons, recentFrames, recentFaces) = (reader.GetInt64(0), reader.GetInt64(1),
            reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        await reader.NextResultAsync(ct);
        var distribution = new int[EmotionLabels.Count];
        while (await reader.ReadAsync(ct))
        {
            var i = EmotionLabels.IndexOf(reader.GetString(0));
            if (i >= 0)
                distribution[i] = reader.GetInt32(1);
        }
        await reader.NextResultAsync(ct);
        var points = new List<FacePoint>();
        while (await reader.ReadAsync(ct))
            points.Add(new FacePoint(reader.GetFloat(0), reader.GetFloat(1), reader.GetString(2)));
        var q = await queueTask;
        return new DashboardSnapshot(clock.GetUtcNow(), frames, done, faces, persons, (double)recentFrames / WindowSeconds,
            (double)recentFaces / WindowSeconds, q?.Messages, q?.Consumers, EmotionLabels.All, distribution, points);
    }
}
