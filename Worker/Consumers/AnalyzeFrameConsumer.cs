using FaceAspire.Core.Contracts;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Security;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Analyses one frame: claim it (a frame already <c>done</c> is not analysed again), load its bytes from the
/// database, run the vision engine in a slot of the <see cref="AnalysisGate"/>, then store faces, identities, emotion
/// rows, status <c>done</c> and the result's events (<see cref="FrameAnalyzed"/> and one <see cref="FaceRecognized"/>
/// per face, as outbox rows) in one transaction (<see cref="FrameWriter.WriteAsync"/>). An outbox relay (this process's own)
/// publishes the events after the commit (ADR 0017, ADR 0024), so the consumer waits for no broker confirm, and an event cannot
/// be lost between the commit and a publish. MassTransit acknowledges the message when this method returns, i.e.
/// after the commit.
/// <para>
/// Errors: an undecodable image (<see cref="ImageDecodeException"/>) or missing bytes is permanent: the frame is
/// marked failed with the reason and its <see cref="FrameAnalyzed"/> (status failed) written to the outbox, and the
/// message is acknowledged. A frame with no face is not an error (done, 0 faces). Anything else propagates: transient
/// errors are retried by the definition's policy, and what still fails goes to <c>analyze-frame_error</c>, where
/// <see cref="AnalyzeFrameFaultConsumer"/> records the reason on the frame.
/// </para>
/// </summary>
public sealed class AnalyzeFrameConsumer(
    FrameWriter writer,
    IFaceAnalyzer analyzer,
    AnalysisGate gate,
    ImageSealer sealer,
    IOptions<WorkerOptions> options,
    ILogger<AnalyzeFrameConsumer> logger) : IConsumer<AnalyzeFrame>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<AnalyzeFrame> context)
    {
        var frameId = context.Message.FrameId;
        var ct = context.CancellationToken;
        // One span for the whole frame under MassTransit's consume span: the claim and result reads, the vision
        // stages, "match" with its writes, and the result events, so a trace shows where the time went.
        using var activity = PipelineTelemetry.Source.StartActivity("analyze");
        activity?.SetTag("frame.id", frameId);
        var work = await writer.ClaimAsync(frameId, ct);
        if (work is null)
        {
            // Nothing to analyse or record; retrying cannot make the frame appear.
            logger.LogWarning("AnalyzeFrame for unknown frame {FrameId}; acknowledged without work", frameId);
            return;
        }
        if (work.Status == FrameStatus.Done)
        {
            // Its events were written with its result, in the same transaction.
            logger.LogInformation("Frame {FrameId} was already done; acknowledged without work", frameId);
            return;
        }
        if (work.Content.Length == 0)
        {
            await FailAsync(frameId, FrameFailures.MissingBytes, ct);
            return;
        }

        ImageAnalysis analysis;
        activity?.SetTag("frame.bytes", work.Content.Length);
        var content = sealer.Open(work.Content, SealedColumns.FrameContent);
        try
        {
            // No thumbnail here: the Api makes it on first request (about 1 ms of CPU per frame that the pipeline
            // no longer pays for photos nobody looks at; docs/performance.md).
            // Through the gate: one analysis per core at a time, while the other frames in flight do their round trips.
            analysis = await gate.RunAsync(() => analyzer.Analyze(content, new AnalysisRequest(CropSize: options.Value.EffectiveCropSize)), ct);
        }
        catch (ImageDecodeException e)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            await FailAsync(frameId, $"{FrameFailures.Undecodable}: {e.Message}", ct);
            return;
        }
        activity?.SetTag("faces", analysis.Faces.Count);

        var faces = analysis.Faces.Select(f => FaceObservationMapper.Map(f, sealer)).ToList();
        FrameResult result;
        using (var match = PipelineTelemetry.Source.StartActivity("match"))
        {
            match?.SetTag("frame.id", frameId);
            match?.SetTag("faces", faces.Count);
            result = await writer.WriteAsync(frameId, analysis.Width, analysis.Height, analyzer.EmbeddingModel, faces, ct);
            match?.SetTag("persons.new", result.Faces.Count(f => f.NewPerson));
        }
        logger.LogInformation("Frame {FrameId} done: {Faces} face(s), attempt {Attempt}{Replayed}", frameId, result.Faces.Count,
            work.Attempts, result.Replayed ? " (another delivery had already stored it)" : "");
    }

    private async Task FailAsync(Guid frameId, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Frame {FrameId} failed permanently: {Reason}", frameId, reason);
        await writer.FailAsync(frameId, reason, cancellationToken);
    }
}
