using FaceAspire.Core.Contracts;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Answers <see cref="AnalyzeMood"/> (queue <c>analyze-mood</c>): runs the shared analyzer (no embedding: the mood
/// API needs emotion, age and gender only) and responds for the LARGEST face by box area with
/// <see cref="MoodAnalyzed"/>; an undecodable image, no face, or a largest face whose shorter side is under
/// <see cref="AnalyzeMood.MinFaceSize"/> gets <see cref="ImageRejected"/>. Nothing is stored: the Api stores
/// session results itself. The analysis takes a slot of the process's <see cref="AnalysisGate"/>.
/// </summary>
public sealed class AnalyzeMoodConsumer(IFaceAnalyzer analyzer, AnalysisGate gate) : IConsumer<AnalyzeMood>
{
    private static readonly AnalysisRequest MoodRequest = new(Embeddings: false, Emotion: true, Attributes: true);

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<AnalyzeMood> context)
    {
        ImageAnalysis analysis;
        using (var activity = PipelineTelemetry.Source.StartActivity("analyze-mood"))
        {
            try
            {
                analysis = await gate.RunAsync(() => analyzer.Analyze(context.Message.Image, MoodRequest), context.CancellationToken);
            }
            catch (ImageDecodeException e)
            {
                await context.RespondAsync(new ImageRejected(ImageRejectionCodes.BadImage, $"The image could not be decoded: {e.Message}"));
                return;
            }
            activity?.SetTag("faces", analysis.Faces.Count);
        }
        if (analysis.Faces.Count == 0)
        {
            await context.RespondAsync(new ImageRejected(ImageRejectionCodes.NoFace, "No face was found in the image."));
            return;
        }
        var face = analysis.Faces.MaxBy(f => f.Detection.Box.Area)!;
        var box = face.Detection.Box;
        if (MathF.Min(box.W, box.H) < context.Message.MinFaceSize)
        {
            await context.RespondAsync(new ImageRejected(ImageRejectionCodes.FaceTooSmall,
                $"The face is {box.W:0}×{box.H:0} px; at least {context.Message.MinFaceSize} px per side is needed. Move closer to the camera."));
            return;
        }
        var emotion = face.Emotion!;
        await context.RespondAsync(new MoodAnalyzed(EmotionLabels.All[emotion.DominantIndex], emotion.Probabilities, face.Age, face.Gender,
            new FaceBox(box.X, box.Y, box.W, box.H), analysis.Faces.Count, analysis.Width, analysis.Height));
    }
}
