using FaceAspire.Vision.Evaluation;

namespace FaceAspire.Cli.Tests;

/// <summary>A fact that is skipped, with the reason, when ../shared/data is absent beside the checkout.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.Root is null) Skip = "../shared/data is absent beside the checkout (set FACEASPIRE_SHARED)";
    }
}
