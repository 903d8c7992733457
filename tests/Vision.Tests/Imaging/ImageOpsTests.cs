using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision.Tests.Imaging;

/// <summary>Resize, Crop and Thumbnail on synthetic images with known answers.</summary>
public sealed class ImageOpsTests
{
    [Fact]
    public void ShrinkingTwoByTwoToOnePixelAverages()
    {
        using var src = new RgbImage(2, 2);
        TestImages.Set(src, 0, 0, (0, 0, 0));
        TestImages.Set(src, 1, 0, (255, 255, 255));
        TestImages.Set(src, 0, 1, (100, 50, 0));
        TestImages.Set(src, 1, 1, (20, 30, 40));
        using var dst = ImageOps.Resize(src, 1, 1);
        Assert.Equal((94, 84, 74), TestImages.Get(dst, 0, 0)); // (93.75, 83.75, 73.75) rounded
    }

    [Fact]
    public void ShrinkingBlocksByTwoKeepsEachBlockColourExactly()
    {
        using var src = TestImages.Quadrants(64, 32, (255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30));
        using var dst = ImageOps.Resize(src, 32, 16);
        using var expected = TestImages.Quadrants(32, 16, (255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30));
        Assert.True(expected.Pixels.SequenceEqual(dst.Pixels));
    }

    [Fact]
    public void FractionalShrinkWeighsByCoverage()
    {
        using var src = new RgbImage(3, 1);
        TestImages.Set(src, 0, 0, (0, 30, 90));
        TestImages.Set(src, 1, 0, (90, 30, 0));
        TestImages.Set(src, 2, 0, (180, 30, 90));
        using var dst = ImageOps.Resize(src, 2, 1);
        Assert.Equal((30, 30, 60), TestImages.Get(dst, 0, 0)); // (2·p0 + p1) / 3
        Assert.Equal((150, 30, 60), TestImages.Get(dst, 1, 0)); // (p1 + 2·p2) / 3
    }

    [Fact]
    public void EnlargingInterpolatesBilinearlyBetweenPixelCentres()
    {
        using var src = new RgbImage(2, 1);
        TestImages.Set(src, 0, 0, (0, 0, 0));
        TestImages.Set(src, 1, 0, (255, 255, 255));
        using var dst = ImageOps.Resize(src, 4, 3);
        for (int y = 0; y < 3; y++)
        {
            Assert.Equal(0, TestImages.Get(dst, 0, y).R);    // clamped at the border
            Assert.Equal(64, TestImages.Get(dst, 1, y).R);   // source x = 0.25
            Assert.Equal(191, TestImages.Get(dst, 2, y).R);  // source x = 0.75
            Assert.Equal(255, TestImages.Get(dst, 3, y).R);
        }
    }

    [Theory]
    [InlineData(640, 480, 213, 160)]
    [InlineData(97, 61, 1280, 77)]
    [InlineData(300, 200, 299, 201)]
    [InlineData(1000, 8, 33, 3)]
    public void ResizeMatchesADoublePrecisionReference(int sw, int sh, int dw, int dh)
    {
        using var src = new RgbImage(sw, sh);
        new Random(sw * 31 + dw).NextBytes(src.Pixels);
        using var dst = ImageOps.Resize(src, dw, dh);
        double[] rx = ReferenceWeights(sw, dw), ry = ReferenceWeights(sh, dh);
        int worst = 0;
        for (int y = 0; y < dh; y += 1 + dh / 40)
            for (int x = 0; x < dw; x += 1 + dw / 40)
                for (int c = 0; c < 3; c++)
                {
                    double v = 0;
                    for (int sy = 0; sy < sh; sy++)
                    {
                        double wy = ry[y * sh + sy];
                        if (wy == 0) continue;
                        for (int sx = 0; sx < sw; sx++)
                        {
                            double wx = rx[x * sw + sx];
                            if (wx != 0) v += wy * wx * src.Pixels[(sy * sw + sx) * 3 + c];
                        }
                    }
                    worst = Math.Max(worst, Math.Abs(dst.Pixels[(y * dw + x) * 3 + c] - (int)Math.Round(v)));
                }
        Assert.True(worst <= 1, $"largest difference from the reference: {worst} levels");
    }

    // Dense weight matrix [dst, src]: box coverage when shrinking, clamped half-pixel-centred triangle when enlarging.
    private static double[] ReferenceWeights(int srcN, int dstN)
    {
        var w = new double[dstN * srcN];
        double scale = (double)srcN / dstN;
        for (int d = 0; d < dstN; d++)
        {
            if (dstN < srcN)
            {
                for (int s = 0; s < srcN; s++)
                    w[d * srcN + s] = Math.Max(0, Math.Min(s + 1, (d + 1) * scale) - Math.Max(s, d * scale)) / scale;
            }
            else
            {
                double c = Math.Clamp((d + 0.5) * scale - 0.5, 0, srcN - 1);
                for (int s = 0; s < srcN; s++) w[d * srcN + s] = Math.Max(0, 1 - Math.Abs(c - s));
            }
        }
        return w;
    }

    [Fact]
    public void CropInsideCopiesTheRectangle()
    {
        using var src = TestImages.Gradient(10, 8);
        using var crop = ImageOps.Crop(src, 3, 2, 4, 5);
        Assert.Equal((4, 5), (crop.Width, crop.Height));
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 4; x++)
                Assert.Equal(TestImages.Get(src, x + 3, y + 2), TestImages.Get(crop, x, y));
    }

    [Fact]
    public void CropPastTheEdgesFillsTheUncoveredPart()
    {
        using var src = TestImages.Gradient(4, 4);
        using var crop = ImageOps.Crop(src, -2, -1, 8, 3, fill: 7);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 8; x++)
            {
                int sx = x - 2, sy = y - 1;
                var expected = sx is >= 0 and < 4 && sy is >= 0 and < 4 ? TestImages.Get(src, sx, sy) : ((byte)7, (byte)7, (byte)7);
                Assert.Equal(expected, TestImages.Get(crop, x, y));
            }
    }

    [Fact]
    public void CropEntirelyOutsideIsAllFill()
    {
        using var src = TestImages.Gradient(4, 4);
        using var crop = ImageOps.Crop(src, 100, -50, 3, 2, fill: 128);
        Assert.All(crop.Pixels.ToArray(), b => Assert.Equal(128, b));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.Crop(src, 0, 0, 0, 1));
    }

    [Fact]
    public void ThumbnailKeepsAspectAndNeverEnlarges()
    {
        using var wide = TestImages.Gradient(400, 200);
        using (var t = ImageOps.Thumbnail(wide, 100)) Assert.Equal((100, 50), (t.Width, t.Height));
        using var tall = TestImages.Gradient(300, 1000);
        using (var t = ImageOps.Thumbnail(tall, 128)) Assert.Equal((38, 128), (t.Width, t.Height));
        using var strip = TestImages.Gradient(1000, 3);
        using (var t = ImageOps.Thumbnail(strip, 10)) Assert.Equal((10, 1), (t.Width, t.Height));
        using var small = TestImages.Gradient(50, 30);
        using var same = ImageOps.Thumbnail(small, 100);
        Assert.NotSame(small, same);
        Assert.Equal((50, 30), (same.Width, same.Height));
        Assert.True(small.Pixels.SequenceEqual(same.Pixels));
    }

    [Fact]
    public void FlatColourStaysExactUnderAnyResize()
    {
        using var src = new RgbImage(123, 77);
        for (int i = 0; i < src.Pixels.Length; i += 3) { src.Pixels[i] = 200; src.Pixels[i + 1] = 1; src.Pixels[i + 2] = 99; }
        foreach (var (w, h) in new[] { (1, 1), (40, 300), (500, 13), (122, 78) })
        {
            using var dst = ImageOps.Resize(src, w, h);
            for (int i = 0; i < dst.Pixels.Length; i += 3)
                Assert.Equal((200, 1, 99), (dst.Pixels[i], dst.Pixels[i + 1], dst.Pixels[i + 2]));
        }
    }
}
