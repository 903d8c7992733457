using FaceAspire.Vision.Models;
using FaceAspire.Vision.Tensors;

namespace FaceAspire.Vision.Tests.Geometry;

public sealed class TensorWriterTests
{
    private static readonly byte[] TwoPixels = [10, 20, 30, 200, 100, 0];

    [Fact]
    public void BgrPlanesAreSwappedAndNormalised()
    {
        var p = new Preprocessing("BGR", "NCHW", 2, 1, [1, 2, 3], [1, 2, 3], null, null);
        var t = new float[6];
        TensorWriter.Write(TwoPixels, 2, 1, p, t);
        float[] expected = [29f, -1f, 9f, 49f, 7f / 3f, 197f / 3f];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], t[i], 4);
    }

    [Fact]
    public void GrayUsesBt601Luma()
    {
        var p = new Preprocessing("GRAY", "NCHW", 2, 1, [127.5f], [127.5f], null, null);
        var t = new float[2];
        TensorWriter.Write(TwoPixels, 2, 1, p, t);
        Assert.Equal((0.299f * 10 + 0.587f * 20 + 0.114f * 30 - 127.5f) / 127.5f, t[0], 5);
        Assert.Equal((0.299f * 200 + 0.587f * 100 - 127.5f) / 127.5f, t[1], 5);
    }
}
