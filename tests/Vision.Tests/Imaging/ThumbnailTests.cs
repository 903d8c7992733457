using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision.Tests.Imaging;

/// <summary>Thumbnails as the worker makes them for the Api: size, aspect, orientation, colours, and typed errors.</summary>
public sealed class ThumbnailTests
{
    private static readonly (byte, byte, byte) Red = (255, 0, 0), Green = (0, 255, 0), Blue = (0, 0, 255), White = (255, 255, 255);
    private readonly ImageDecoder _decoder = new();

    [Fact]
    public void ALargeJpegShrinksToTheLongerSideWithItsAspectAndColours()
    {
        // 2400 × 1600: decoded at 1/4 (600 × 400, still over 300), then area-averaged to 300 × 200.
        using var photo = TestImages.Quadrants(2400, 1600, Red, Green, Blue, White);
        byte[] thumb = Thumbnail.Make(_decoder, JpegEncoder.Encode(photo, 90), 300, 80);
        using var image = _decoder.Decode(thumb);
        Assert.Equal((300, 200), (image.Width, image.Height));
        TestImages.AssertColour(Red, TestImages.Get(image, 75, 50), 12, "top-left");
        TestImages.AssertColour(White, TestImages.Get(image, 225, 150), 12, "bottom-right");
    }

    [Fact]
    public void ExifOrientationIsAppliedAndASmallPngIsNotEnlarged()
    {
        using var stored = TestImages.Quadrants(1200, 600, Red, Green, Blue, White);
        byte[] rotated = TestImages.WithExifOrientation(JpegEncoder.Encode(stored, 90), 6);
        using (var upright = _decoder.Decode(Thumbnail.Make(_decoder, rotated, 300, 80)))
        {
            Assert.Equal((150, 300), (upright.Width, upright.Height));
            TestImages.AssertColour(Blue, TestImages.Get(upright, 37, 75), 16, "stored bottom-left, now top-left");
        }
        using var small = TestImages.Gradient(120, 80);
        using var same = _decoder.Decode(Thumbnail.Make(_decoder, TestImages.Png(small), 300, 80));
        Assert.Equal((120, 80), (same.Width, same.Height));
    }

    [Fact]
    public void ATruncatedPhotoGetsItsTypedError()
    {
        using var photo = TestImages.Gradient(800, 600);
        byte[] jpeg = JpegEncoder.Encode(photo, 90);
        Assert.Throws<TruncatedImageException>(() => Thumbnail.Make(_decoder, jpeg[..(jpeg.Length / 2)], 300, 80));
    }
}
