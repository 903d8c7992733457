using FaceAspire.Core.Jobs;
using FaceAspire.Core.Security;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// The <c>reseal</c> job: <see cref="ImageResealer"/> (re-wrap every stored image's data key under the current
/// key-encryption key, seal legacy plain images), with progress in rows examined. Result:
/// <c>{ keyId, columns: [{ column, rewrapped, sealedLegacy }] }</c>.
/// </summary>
public sealed class ResealJob(ImageResealer resealer, ImageSealer sealer) : IMaintenanceJob
{
    /// <inheritdoc />
    public string Kind => JobKinds.Reseal;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        await run.ReportAsync(0, null, cancellationToken, force: true);
        var columns = await resealer.ResealAsync(done => run.ReportAsync(done, null, cancellationToken), cancellationToken);
        return new { keyId = sealer.Keys.CurrentIdHex, columns };
    }
}
