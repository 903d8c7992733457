using System.Buffers.Binary;
using FaceAspire.Testing;
using FaceAspire.Vision.Imaging;
using OpenCvSharp;

namespace FaceAspire.Vision.Tests.Imaging;

/// <summary>Good inputs in every colour layout we accept decode to the right size, colours and orientation.</summary>
public sealed class DecodeTests
{
    private static readonly (byte, byte, byte) Red = (255, 0, 0), Green = (0, 255, 0), Blue = (0, 0, 255), White = (255, 255, 255);
    private readonly ImageDecoder _decoder = new();

    [Fact]
    public void GrayscaleJpegBecomesNeutralRgb()
    {
        const int w = 48, h = 32;
        var gray = new byte[w * h];
        for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(i % w * 255 / (w - 1));
        using var plane = Mat.FromPixelData(h, w, MatType.CV_8UC1, gray);
        byte[] jpeg = JpegEncoder.EncodeBgr(plane, 95); // a one-component (grayscale) JPEG
        using var image = _decoder.Decode(jpeg);
        Assert.Equal((w, h), (image.Width, image.Height));
        for (int x = 0; x < w; x += 7)
        {
            var (r, g, b) = TestImages.Get(image, x, h / 2);
            Assert.True(r == g && g == b, $"pixel {x} is not neutral: {(r, g, b)}");
            Assert.InRange(r, gray[x] - 6, gray[x] + 6);
        }
    }

    [Fact]
    public void OnePixelJpegAndPngDecode()
    {
        using var one = new RgbImage(1, 1);
        TestImages.Set(one, 0, 0, (200, 100, 50));
        using var fromJpeg = _decoder.Decode(JpegEncoder.Encode(one, 95));
        Assert.Equal((1, 1), (fromJpeg.Width, fromJpeg.Height));
        TestImages.AssertColour((200, 100, 50), TestImages.Get(fromJpeg, 0, 0), 6, "1×1 JPEG");
        using var fromPng = _decoder.Decode(TestImages.Png(one));
        Assert.Equal((200, 100, 50), TestImages.Get(fromPng, 0, 0));
    }

    [Fact]
    public void RgbaPngIsCompositedOverWhite()
    {
        byte[] rgba = [255, 0, 0, 255, /**/ 0, 0, 0, 0, /**/ 0, 0, 255, 128];
        using var image = _decoder.Decode(TestImages.Png(3, 1, 6, 8, rgba));
        Assert.Equal((255, 0, 0), TestImages.Get(image, 0, 0));
        Assert.Equal((255, 255, 255), TestImages.Get(image, 1, 0)); // fully transparent black shows as white
        Assert.Equal((127, 127, 255), TestImages.Get(image, 2, 0)); // half-transparent blue over white
    }

    [Fact]
    public void GrayAlphaPngIsCompositedOverWhite()
    {
        byte[] ga = [0, 255, /**/ 0, 0, /**/ 100, 255];
        using var image = _decoder.Decode(TestImages.Png(3, 1, 4, 8, ga));
        Assert.Equal((0, 0, 0), TestImages.Get(image, 0, 0));
        Assert.Equal((255, 255, 255), TestImages.Get(image, 1, 0));
        Assert.Equal((100, 100, 100), TestImages.Get(image, 2, 0));
    }

    [Fact]
    public void SixteenBitPngIsReducedToEightBits()
    {
        var samples = new byte[2 * 6];
        ushort[] values = [0xFFFF, 0x8000, 0x0000, 0x1234, 0xABCD, 0x00FF];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(samples.AsSpan(i * 2), values[i]);
        using var image = _decoder.Decode(TestImages.Png(2, 1, 2, 16, samples));
        TestImages.AssertColour((255, 128, 0), TestImages.Get(image, 0, 0), 1, "first pixel");
        TestImages.AssertColour((0x12, 0xAB, 0x00), TestImages.Get(image, 1, 0), 1, "second pixel");
    }

    [Fact]
    public void BmpDecodesExactly()
    {
        using var source = TestImages.Quadrants(6, 4, Red, Green, Blue, White);
        using var image = _decoder.Decode(TestImages.Bmp(source));
        Assert.Equal(ImageFormat.Bmp, _decoder.Probe(TestImages.Bmp(source)).Format);
        Assert.True(source.Pixels.SequenceEqual(image.Pixels));
    }

    [Fact]
    public void GifFirstFrameDecodes()
    {
        // 1×1 GIF89a, global palette [red, blue], one LZW-coded pixel of index 0.
        byte[] gif = [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0xFF, 0, 0, 0, 0, 0xFF,
                      0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B];
        using var image = _decoder.Decode(gif);
        Assert.Equal((1, 1), (image.Width, image.Height));
        Assert.Equal((255, 0, 0), TestImages.Get(image, 0, 0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExifOrientationSixRotatesClockwise(bool bigEndian)
    {
        using var stored = TestImages.Quadrants(64, 32, Red, Green, Blue, White);
        byte[] jpeg = TestImages.WithExifOrientation(JpegEncoder.Encode(stored, 95), 6, bigEndian);
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 32, 64, 6), _decoder.Probe(jpeg));
        using var upright = _decoder.Decode(jpeg);
        Assert.Equal((32, 64), (upright.Width, upright.Height));
        // Rotating 90° clockwise: stored bottom-left comes to the top-left, stored top-left to the top-right.
        TestImages.AssertColour(Blue, TestImages.Get(upright, 8, 16), 24, "top-left");
        TestImages.AssertColour(Red, TestImages.Get(upright, 24, 16), 24, "top-right");
        TestImages.AssertColour(White, TestImages.Get(upright, 8, 48), 24, "bottom-left");
        TestImages.AssertColour(Green, TestImages.Get(upright, 24, 48), 24, "bottom-right");
    }

    [Fact]
    public void ExifOrientationThreeRotatesHalfATurn()
    {
        using var stored = TestImages.Quadrants(64, 32, Red, Green, Blue, White);
        byte[] jpeg = TestImages.WithExifOrientation(JpegEncoder.Encode(stored, 95), 3);
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 64, 32, 3), _decoder.Probe(jpeg));
        using var upright = _decoder.Decode(jpeg);
        Assert.Equal((64, 32), (upright.Width, upright.Height));
        TestImages.AssertColour(White, TestImages.Get(upright, 16, 8), 24, "top-left");
        TestImages.AssertColour(Blue, TestImages.Get(upright, 48, 8), 24, "top-right");
        TestImages.AssertColour(Green, TestImages.Get(upright, 16, 24), 24, "bottom-left");
        TestImages.AssertColour(Red, TestImages.Get(upright, 48, 24), 24, "bottom-right");
    }

    [Fact]
    public void EveryExifOrientationMatchesItsDefinition()
    {
        // Stored quadrants red | green over blue | white; where each lands after orientation 1..8 as EXIF 2.32 §4.6.4
        // defines it (e.g. 6 = stored row 0 becomes the right-hand column), and the probe's size agrees.
        using var stored = TestImages.Quadrants(64, 32, Red, Green, Blue, White);
        byte[] plain = JpegEncoder.Encode(stored, 98);
        for (int orientation = 1; orientation <= 8; orientation++)
        {
            byte[] jpeg = TestImages.WithExifOrientation(plain, orientation);
            using var upright = _decoder.Decode(jpeg);
            bool swap = orientation >= 5;
            Assert.Equal(swap ? (32, 64) : (64, 32), (upright.Width, upright.Height));
            Assert.Equal((upright.Width, upright.Height), (_decoder.Probe(jpeg).Width, _decoder.Probe(jpeg).Height));
            foreach (var (x, y, colour) in new[] { (16, 8, Red), (48, 8, Green), (16, 24, Blue), (48, 24, White) })
            {
                var (dx, dy) = orientation switch
                {
                    1 => (x, y), 2 => (63 - x, y), 3 => (63 - x, 31 - y), 4 => (x, 31 - y),
                    5 => (y, x), 6 => (31 - y, x), 7 => (31 - y, 63 - x), _ => (y, 63 - x),
                };
                TestImages.AssertColour(colour, TestImages.Get(upright, dx, dy), 24, $"orientation {orientation}, stored ({x}, {y})");
            }
        }
    }

    [Fact]
    public void BrokenExifIsIgnored()
    {
        using var stored = TestImages.Gradient(40, 20);
        byte[] jpeg = TestImages.InsertSegment(JpegEncoder.Encode(stored), 0xE1, [.. "Exif\0\0"u8, .. "II*\0"u8, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2]);
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 40, 20, 1), _decoder.Probe(jpeg));
        using var image = _decoder.Decode(jpeg);
        Assert.Equal((40, 20), (image.Width, image.Height));
    }

    [SharedDataFact]
    public void RealPhotoSurvivesJpegRoundTrip()
    {
        using var original = _decoder.Decode(TestImages.ReadShared("identities/face_recognition/obama-720p.jpg"));
        Assert.Equal((1280, 720), (original.Width, original.Height));
        using var again = _decoder.Decode(JpegEncoder.Encode(original, 85));
        double psnr = TestImages.Psnr(original, again);
        Assert.True(psnr > 30, $"PSNR {psnr:0.0} dB");
    }

    [SharedDataFact]
    public void EveryRealPhotoDecodes()
    {
        // Guards against false alarms: real-world files (progressive, EXIF, RGBA PNG, odd sizes) must all decode.
        var files = Directory.EnumerateFiles(TestImages.SharedData!, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
                     || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            byte[] data = File.ReadAllBytes(file);
            if (ImageSniffer.Detect(data) is ImageFormat.WebP) // the shared set has WebP files named .jpg
            {
                Assert.Throws<UnsupportedImageException>(() => _decoder.Decode(data));
                continue;
            }
            var info = _decoder.Probe(data);
            using var image = _decoder.Decode(data);
            Assert.True((info.Width, info.Height) == (image.Width, image.Height), $"{file}: probe {info} vs decode {image.Width}×{image.Height}");
        }
    }

    [Fact]
    public void DecodingIsThreadSafe()
    {
        using var source = TestImages.Gradient(160, 120);
        byte[] jpeg = JpegEncoder.Encode(source);
        byte[] bad = jpeg[..(jpeg.Length / 2)];
        using var reference = _decoder.Decode(jpeg);
        byte[] expected = reference.Pixels.ToArray();
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 5 == 0)
            {
                Assert.Throws<TruncatedImageException>(() => _decoder.Decode(bad));
                return;
            }
            using var image = _decoder.Decode(jpeg);
            Assert.True(image.Pixels.SequenceEqual(expected));
        });
    }
}
