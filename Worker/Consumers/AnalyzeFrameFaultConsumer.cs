using FaceAspire.Core.Identity;
using MassTransit;
using FaceAspire.Core.Contracts;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Records why a frame could not be processed once <see cref="AnalyzeFrameConsumer"/> has given up on it
/// (retries exhausted or a non-retryable error): MassTransit moves the message to <c>analyze-frame_error</c> and
/// publishes <see cref="Fault{T}"/>, which lands here (endpoint <c>analyze-frame-fault</c>). The frame becomes
/// <c>failed</c> with the exception's type and message (a frame that is done by now is left alone), and its
/// <see cref="FrameAnalyzed"/> with status failed is written to the outbox in the same transaction
/// (<see cref="FrameWriter.FailAsync"/>).
/// </summary>
public sealed class AnalyzeFrameFaultConsumer(FrameWriter writer, ILogger<AnalyzeFrameFaultConsumer> logger)
    : IConsumer<Fault<AnalyzeFrame>>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Fault<AnalyzeFrame>> context)
    {
        var frameId = context.Message.Message.FrameId;
        var reason = FaultReason.Of(context.Message, FrameFailures.RetriesExhausted);
        try
        {
            var result = await writer.FailAsync(frameId, reason, context.CancellationToken);
            logger.LogError("Frame {FrameId} is {Status}: {Reason}", frameId, result.Status, reason);
        }
        catch (KeyNotFoundException)
        {
            logger.LogWarning("Fault for unknown frame {FrameId}: {Reason}", frameId, reason);
        }
    }
}
