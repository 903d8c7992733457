using System.Buffers.Binary;
using FaceAspire.Vision.Imaging;
using TJ = FaceAspire.Vision.Interop.TurboJpeg;

namespace FaceAspire.Vision.Tests.Imaging;

/// <summary>Good inputs in every colour layout we accept decode to the right size, colours and orientation.</summary>
public sealed class DecodeTests
{
    private static readonly (byte, byte, byte) Red = (255, 0, 0), Green = (0, 255, 0), Blue = (0, 0, 255), White = (255, 255, 255);
    private readonly ImageDecoder _decoder = new();

    [Fact]
    public void CmykJpegComesBackInTheRightColours()
    {
        // libjpeg-turbo's CMYK convention (cmyk.h) stores inverted samples, 255 = no ink, like Adobe does.
        (byte C, byte M, byte Y, byte K)[] inks = [(255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 255), (255, 255, 255, 128)];
        (byte, byte, byte)[] expected = [Red, Green, Blue, (128, 128, 128)]; // magenta+yellow inks make red, etc.
        const int size = 64;
        var cmyk = new byte[size * size * 4];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var ink = inks[(y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1)];
                int o = (y * size + x) * 4;
                (cmyk[o], cmyk[o + 1], cmyk[o + 2], cmyk[o + 3]) = ink;
            }
        byte[] jpeg = TurboJpegCodec.Encode(cmyk, size, size, TJ.PixelFormatCmyk, TJ.Subsampling444, 95);
        Assert.True(JpegMarkers.Scan(jpeg).HasAdobe, "TurboJPEG writes CMYK as Adobe YCCK");

        using var image = _decoder.Decode(jpeg);
        Assert.Equal((size, size), (image.Width, image.Height));
        int q = size / 4, r = size * 3 / 4;
        TestImages.AssertColour(expected[0], TestImages.Get(image, q, q), 8, "top-left");
        TestImages.AssertColour(expected[1], TestImages.Get(image, r, q), 8, "top-right");
        TestImages.AssertColour(expected[2], TestImages.Get(image, q, r), 8, "bottom-left");
        TestImages.AssertColour(expected[3], TestImages.Get(image, r, r), 8, "bottom-right");
    }

    [Fact]
    public void GrayscaleJpegBecomesNeutralRgb()
    {
        const int w = 48, h = 32;
        var gray = new byte[w * h];
        for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(i % w * 255 / (w - 1));
        byte[] jpeg = TurboJpegCodec.Encode(gray, w, h, TJ.PixelFormatGray, TJ.SubsamplingGray, 95);
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
        // Exact, lossless check of all eight orientations: stored pixel (x, y) must be displayed at (dx, dy) as
        // EXIF 2.32 §4.6.4 defines (e.g. 6 = stored row 0 becomes the right-hand column).
        using var stored = TestImages.Gradient(5, 3);
        for (int orientation = 1; orientation <= 8; orientation++)
        {
            using var copy = ImageOps.Resize(stored, 5, 3);
            var upright = ExifOrientation.Apply(copy, orientation);
            try
            {
                bool swap = orientation >= 5;
                Assert.Equal(swap ? (3, 5) : (5, 3), (upright.Width, upright.Height));
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 5; x++)
                    {
                        var (dx, dy) = orientation switch
                        {
                            1 => (x, y), 2 => (4 - x, y), 3 => (4 - x, 2 - y), 4 => (x, 2 - y),
                            5 => (y, x), 6 => (2 - y, x), 7 => (2 - y, 4 - x), _ => (y, 4 - x),
                        };
                        Assert.Equal(TestImages.Get(stored, x, y), TestImages.Get(upright, dx, dy));
                    }
            }
            finally
            {
                if (!ReferenceEquals(upright, copy)) upright.Dispose();
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
