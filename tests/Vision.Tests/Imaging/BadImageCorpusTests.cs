using System.Buffers.Binary;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision.Tests.Imaging;

/// <summary>Broken, hostile and unsupported inputs: each must raise its typed exception with a readable message, never crash.</summary>
public sealed class BadImageCorpusTests
{
    private readonly ImageDecoder _decoder = new();

    private static byte[] SmallJpeg(int width = 96, int height = 64, int quality = 90)
    {
        using var image = TestImages.Gradient(width, height);
        return JpegEncoder.Encode(image, quality);
    }

    private T AssertRejects<T>(byte[] data) where T : ImageDecodeException
    {
        var error = Assert.Throws<T>(() => { using var _ = _decoder.Decode(data); });
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    [Fact]
    public void EmptyInputIsUnsupported()
    {
        Assert.Contains("empty", AssertRejects<UnsupportedImageException>([]).Message);
        Assert.Throws<UnsupportedImageException>(() => _decoder.Probe([]));
    }

    [Fact]
    public void RandomBytesAreUnsupported()
    {
        var data = new byte[4096];
        new Random(1234).NextBytes(data);
        AssertRejects<UnsupportedImageException>(data);
    }

    [Fact]
    public void TextFileNamedJpgIsUnsupported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-a-photo-{Guid.NewGuid():N}.jpg");
        File.WriteAllText(path, "Hello! This is a shopping list, not a picture.\nmilk\neggs\n");
        try
        {
            AssertRejects<UnsupportedImageException>(File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SharedDataFact]
    public void RealPhotoCutInHalfIsTruncated()
    {
        byte[] photo = TestImages.ReadShared("identities/face_recognition/obama-480p.jpg");
        var error = AssertRejects<TruncatedImageException>(photo[..(photo.Length / 2)]);
        Assert.Contains("cut off", error.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.995)]
    public void SyntheticJpegCutShortIsTruncated(double fraction)
    {
        byte[] jpeg = SmallJpeg(320, 240);
        AssertRejects<TruncatedImageException>(jpeg[..(int)(jpeg.Length * fraction)]);
    }

    [Fact]
    public void JpegWithoutItsEndMarkerIsTruncated()
    {
        byte[] jpeg = SmallJpeg();
        AssertRejects<TruncatedImageException>(jpeg[..^2]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void JpegWithCorruptScanDataIsCorrupt(int seed)
    {
        byte[] jpeg = SmallJpeg(320, 240);
        int start = TestImages.ScanDataStart(jpeg);
        var random = new Random(seed);
        // Garbage without 0xFF so it stays inside the scan instead of forming markers.
        for (int i = start + 200; i < start + 600; i++) jpeg[i] = (byte)random.Next(0, 0xFF);
        Assert.Contains("damaged", AssertRejects<CorruptImageException>(jpeg).Message);
    }

    [Fact]
    public void JpegHeaderWithoutScanDataIsTruncated()
    {
        byte[] jpeg = SmallJpeg();
        AssertRejects<TruncatedImageException>(jpeg[..TestImages.ScanDataStart(jpeg)]);
    }

    [Fact]
    public void JpegCutInsideItsHeaderIsTruncated()
    {
        byte[] jpeg = SmallJpeg();
        byte[] cut = jpeg[..(TestImages.ScanDataStart(jpeg) / 2)];
        AssertRejects<TruncatedImageException>(cut);
        Assert.Throws<TruncatedImageException>(() => _decoder.Probe(cut));
    }

    [Fact]
    public void JpegWithGarbageHeaderIsCorrupt()
    {
        byte[] data = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x03, 0x42, .. new byte[200]];
        AssertRejects<CorruptImageException>(data);
    }

    [Fact]
    public void PngDeclaringTenGigapixelsIsTooLargeBeforeDecoding()
    {
        // A 100000×100000 RGB header followed by a tiny, valid zlib stream: a classic decompression bomb shape.
        byte[] png = TestImages.Png(1, 1, 2, 8, new byte[3]);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), TestImages.Crc32Bitwise(png.AsSpan(12, 17)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageTooLargeException>(() => _decoder.Probe(png));
        Assert.Contains("100000×100000", error.Message);
        AssertRejects<ImageTooLargeException>(png);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "refused without allocating pixels");
    }

    [Fact]
    public void JpegDeclaringHugeSizeIsTooLarge()
    {
        byte[] jpeg = SmallJpeg(16, 16);
        int sof = jpeg.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60000); // height
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60000); // width
        Assert.Throws<ImageTooLargeException>(() => _decoder.Probe(jpeg));
        AssertRejects<ImageTooLargeException>(jpeg);
    }

    [Fact]
    public void PngWithBadCrcIsCorrupt()
    {
        using var image = TestImages.Gradient(32, 32);
        byte[] png = TestImages.Png(image);
        png[8 + 25 + 8 + 10] ^= 0x55; // a byte inside IDAT's data; its CRC no longer matches
        Assert.Contains("IDAT", AssertRejects<CorruptImageException>(png).Message);
    }

    [Fact]
    public void PngWithBadZlibDataIsCorrupt()
    {
        var garbage = new byte[64];
        new Random(7).NextBytes(garbage);
        var png = new MemoryStream();
        png.Write(TestImages.Png(8, 8, 2, 8, new byte[8 * 8 * 3], withIend: false).AsSpan(0, 8 + 25));
        TestImages.WriteChunk(png, "IDAT", garbage); // valid CRC, invalid deflate stream
        TestImages.WriteChunk(png, "IEND", []);
        AssertRejects<CorruptImageException>(png.ToArray());
    }

    [Fact]
    public void TruncatedPngIsTruncated()
    {
        using var image = TestImages.Gradient(64, 64);
        byte[] png = TestImages.Png(image);
        AssertRejects<TruncatedImageException>(png[..(png.Length / 2)]);
        AssertRejects<TruncatedImageException>(png[..^12]); // just the IEND chunk missing
        AssertRejects<TruncatedImageException>(png[..20]);  // inside IHDR
    }

    [Fact]
    public void FileOverTheEncodedSizeLimitIsTooLarge()
    {
        byte[] jpeg = SmallJpeg();
        var strict = new ImageDecoder(new ImageLimits(MaxEncodedBytes: jpeg.Length - 1));
        var error = Assert.Throws<ImageTooLargeException>(() => strict.Decode(jpeg));
        Assert.Contains("MB", error.Message);
        Assert.Throws<ImageTooLargeException>(() => strict.Probe(jpeg));

        byte[] huge = new byte[20 * 1024 * 1024 + 1];
        jpeg.CopyTo(huge, 0);
        AssertRejects<ImageTooLargeException>(huge); // default 20 MiB limit
    }

    [Fact]
    public void PixelLimitIsConfigurable()
    {
        byte[] jpeg = SmallJpeg(100, 100);
        var strict = new ImageDecoder(new ImageLimits(MaxPixels: 9_999));
        Assert.Throws<ImageTooLargeException>(() => strict.Decode(jpeg));
        using var ok = new ImageDecoder(new ImageLimits(MaxPixels: 10_000)).Decode(jpeg);
        Assert.Equal(100, ok.Width);
    }

    [Theory]
    [InlineData("WebP", new byte[] { 0x52, 0x49, 0x46, 0x46, 0x24, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20 })]
    [InlineData("HEIC", new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0 })]
    [InlineData("AVIF", new byte[] { 0, 0, 0, 0x1C, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66, 0, 0, 0, 0 })]
    [InlineData("TIFF", new byte[] { 0x49, 0x49, 0x2A, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void RecognisedButUnsupportedFormatsAreNamed(string name, byte[] magic)
    {
        Assert.Contains(name, AssertRejects<UnsupportedImageException>(magic).Message);
        Assert.Throws<UnsupportedImageException>(() => _decoder.Probe(magic));
    }

    [Fact]
    public void GifMagicWithGarbageIsCorruptNotACrash()
    {
        AssertRejects<CorruptImageException>([.. "GIF89a"u8, 0x10, 0x00, 0x10, 0x00, 0xF7, .. new byte[20]]);
    }

    [Fact]
    public void BmpMagicWithGarbageIsCorruptNotACrash()
    {
        AssertRejects<CorruptImageException>([.. "BM"u8, .. new byte[40]]);
    }

    [Fact]
    public void SnifferNamesEachSignature()
    {
        Assert.Equal(ImageFormat.Jpeg, ImageSniffer.Detect([0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.Equal(ImageFormat.Png, ImageSniffer.Detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]));
        Assert.Equal(ImageFormat.Gif, ImageSniffer.Detect("GIF87a"u8));
        Assert.Equal(ImageFormat.Tiff, ImageSniffer.Detect("MM\0*"u8));
        Assert.Equal(ImageFormat.Psd, ImageSniffer.Detect("8BPS"u8));
        Assert.Equal(ImageFormat.Pnm, ImageSniffer.Detect("P6\n3 2\n255\n"u8));
        Assert.Equal(ImageFormat.Hdr, ImageSniffer.Detect("#?RADIANCE\n"u8));
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect([0xFF, 0xD8]));
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect("PK\x03\x04"u8));
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect([]));
    }
}
