using FaceAspire.Core.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Retention: deletes emotion-log rows and stored mood results older than <c>emotionDays</c> and sets face crops
/// older than <c>cropDays</c> to NULL, both by capture time (parameters override <see cref="MaintenanceOptions"/>;
/// 0 = keep). Faces, embeddings and persons are kept: identity is not an emotion log.
/// </summary>
public sealed class RetentionJob(NpgsqlDataSource dataSource, IOptions<MaintenanceOptions> options) : IMaintenanceJob
{
    /// <inheritdoc />
    public string Kind => JobKinds.Retention;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var emotionDays = run.Int("emotionDays", options.Value.EmotionRetentionDays, 0, 36_500);
        var cropDays = run.Int("cropDays", options.Value.CropRetentionDays, 0, 36_500);
        await run.ReportAsync(0, 3, cancellationToken, force: true);
        long emotions = 0, moods = 0, crops = 0;
        if (emotionDays > 0)
        {
            emotions = await ExecAsync("DELETE FROM emotions WHERE captured_at < now() - make_interval(days => @d)", emotionDays, cancellationToken);
            await run.ReportAsync(1, 3, cancellationToken, force: true);
            moods = await ExecAsync("DELETE FROM mood_results WHERE captured_at < now() - make_interval(days => @d)", emotionDays, cancellationToken);
        }
        await run.ReportAsync(2, 3, cancellationToken, force: true);
        if (cropDays > 0)
            crops = await ExecAsync("UPDATE faces SET crop = NULL WHERE crop IS NOT NULL AND captured_at < now() - make_interval(days => @d)", cropDays, cancellationToken);
        return new { emotionDays, cropDays, emotionsDeleted = emotions, moodResultsDeleted = moods, cropsDeleted = crops };
    }

    private async Task<long> ExecAsync(string sql, int days, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("d", days);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
