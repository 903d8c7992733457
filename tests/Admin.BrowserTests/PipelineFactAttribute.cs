namespace FaceAspire.Admin.BrowserTests;

/// <summary>A fact that needs the real Api and Worker; skipped when the photos are imported in-process.</summary>
public sealed class PipelineFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when <see cref="AdminAppFixture.InProcess"/>.</summary>
    public PipelineFactAttribute()
    {
        if (AdminAppFixture.InProcess)
            Skip = "FACEASPIRE_ADMIN_TESTS_PIPELINE=inprocess: the webcam page needs the real Api and Worker.";
    }
}
