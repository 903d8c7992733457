using System.Security.Cryptography;
using FaceAspire.Core.Security;

namespace FaceAspire.Core.Tests;

public sealed class ImageSealerTests
{
    private static readonly string OldSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string NewSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(5000), 0xFF, 0xD9];

    [Fact]
    public void ASealedImageOpensToTheSameBytesAndHidesThem()
    {
        var sealer = new ImageSealer(new KeyRing(NewSecret));
        var stored = sealer.Seal(Jpeg, SealedColumns.FrameContent);
        Assert.True(ImageSealer.IsSealed(stored));
        Assert.Equal(ImageSealer.HeaderLength + Jpeg.Length, stored.Length);
        Assert.Equal(-1, stored.AsSpan().IndexOf(Jpeg.AsSpan(0, 32)));
        Assert.Equal(Jpeg, sealer.Open(stored, SealedColumns.FrameContent));
        // A fresh data key and nonce per object: the same image never seals to the same bytes.
        Assert.NotEqual(stored, sealer.Seal(Jpeg, SealedColumns.FrameContent));
    }

    [Fact]
    public void AnUnencryptedLegacyImageIsReadAsItIs()
    {
        var sealer = new ImageSealer(new KeyRing(NewSecret));
        Assert.False(ImageSealer.IsSealed(Jpeg));
        Assert.Same(Jpeg, sealer.Open(Jpeg, SealedColumns.FaceCrop));
    }

    [Fact]
    public void AlteredBytesAnotherPurposeOrAnUnknownKeyFailToOpen()
    {
        var sealer = new ImageSealer(new KeyRing(NewSecret));
        var stored = sealer.Seal(Jpeg, SealedColumns.FaceCrop);
        var flipped = (byte[])stored.Clone();
        flipped[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => sealer.Open(flipped, SealedColumns.FaceCrop));
        Assert.ThrowsAny<CryptographicException>(() => sealer.Open(stored, SealedColumns.FrameContent));
        var other = new ImageSealer(new KeyRing(OldSecret));
        var error = Assert.ThrowsAny<CryptographicException>(() => other.Open(stored, SealedColumns.FaceCrop));
        Assert.Contains("PreviousKeys", error.Message);
    }

    [Fact]
    public void RotationRewrapsTheDataKeyAndKeepsTheCiphertext()
    {
        var before = new ImageSealer(new KeyRing(OldSecret));
        var stored = before.Seal(Jpeg, SealedColumns.FrameThumbnail);
        var after = new ImageSealer(new KeyRing(NewSecret, [OldSecret]));
        Assert.Equal(Jpeg, after.Open(stored, SealedColumns.FrameThumbnail));

        var rewrapped = after.Rewrap(stored, SealedColumns.FrameThumbnail)!;
        Assert.Equal(stored.AsSpan(72).ToArray(), rewrapped.AsSpan(72).ToArray());
        Assert.Null(after.Rewrap(rewrapped, SealedColumns.FrameThumbnail));
        // Once re-wrapped, the old secret is no longer needed.
        Assert.Equal(Jpeg, new ImageSealer(new KeyRing(NewSecret)).Open(rewrapped, SealedColumns.FrameThumbnail));
        // A legacy plain image is sealed by the same call.
        Assert.True(ImageSealer.IsSealed(after.Rewrap(Jpeg, SealedColumns.FaceCrop)));
    }

    [Fact]
    public void AMissingOrShortKeyIsOneClearError()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => KeyRing.FromOptions(new EncryptionOptions()));
        Assert.Contains("Encryption:Key", missing.Message);
        var both = Assert.Throws<InvalidOperationException>(() => KeyRing.FromOptions(new EncryptionOptions { Key = NewSecret, KeyFile = "/x" }));
        Assert.Contains("not both", both.Message);
        Assert.Throws<InvalidOperationException>(() => KeyRing.FromOptions(new EncryptionOptions { Key = "short" }));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, NewSecret + "\n");
            Assert.Equal(new KeyRing(NewSecret).CurrentIdHex, KeyRing.FromOptions(new EncryptionOptions { KeyFile = file }).CurrentIdHex);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
