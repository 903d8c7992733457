using FaceAspire.Core.Identity;
using FaceAspire.Core.Jobs;
using FaceAspire.Vision;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Retry-deferred: one <see cref="DeferredFaces.RetryAsync"/> pass over the deferred faces of the current embedding
/// model. Requested by <see cref="DeferredFacesScheduler"/> when faces arrived since the last run, or by hand.
/// </summary>
public sealed class RetryDeferredJob(DeferredFaces deferred, IFaceAnalyzer analyzer) : IMaintenanceJob
{
    /// <inheritdoc />
    public string Kind => JobKinds.RetryDeferred;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken) =>
        await deferred.RetryAsync(analyzer.EmbeddingModel, (done, total) => run.ReportAsync(done, total, cancellationToken), cancellationToken);
}
