using Xunit;

namespace FaceAspire.Testing;

/// <summary>A fact that is skipped, saying why, when ../shared/data (<see cref="SharedData.Root"/>) is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Skips when the shared photos are not found.</summary>
    public SharedDataFactAttribute()
    {
        if (SharedData.Root is null)
            Skip = "Real photos not found: ../shared/data beside the checkout (or $FACEASPIRE_SHARED/data) is absent.";
    }
}
