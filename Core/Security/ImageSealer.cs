using System.Security.Cryptography;
using System.Text;

namespace FaceAspire.Core.Security;

/// <summary>
/// Envelope encryption of stored images (photos, thumbnails, face crops): every object is encrypted with AES-256-GCM
/// (NIST SP 800-38D; 96-bit random nonce, 128-bit tag) under its own random 256-bit data key, and that data key is
/// wrapped (AES-256-GCM again) by the current key-encryption key of the <see cref="KeyRing"/>, which lives in
/// configuration, never in the database. A database dump therefore holds only ciphertext and wrapped keys.
/// <para>
/// Stored format v1 (one <c>bytea</c> value, <see cref="HeaderLength"/> = 100 bytes of header, then the ciphertext):
/// <code>
/// 0   4  magic "FAE1"                      (no image format starts so: unencrypted legacy rows stay readable)
/// 4   8  KEK id                            (KeyRing.CurrentId at write time)
/// 12 12  wrap nonce                        (random)
/// 24 32  wrapped data key                  (AES-256-GCM of the data key under the KEK; AAD = bytes 0..12)
/// 56 16  wrap tag
/// 72 12  data nonce                        (random)
/// 84 16  data tag                          (AAD = magic + purpose, e.g. "faces.crop")
/// 100 n  ciphertext                        (n = plaintext length)
/// </code>
/// Rotation re-wraps bytes 4..72 under the new KEK (<see cref="Rewrap"/>) and leaves the ciphertext as it is.
/// The purpose in the AAD keeps a crop from being opened as a photo; the ciphertext is not bound to its row.
/// </para>
/// <para>
/// Built on the BCL's <see cref="AesGcm"/> (OpenSSL underneath, AES-NI where the CPU has it) rather than a package:
/// ASP.NET Core Data Protection keeps its own generated key ring (files every service must share, unencrypted on Linux
/// unless a certificate protects them) and has no data key to re-wrap; ADR 0029 has the comparison. Random nonces
/// under one KEK stay within NIST's 2³² wrap limit up to about four billion objects; rotate before that.
/// </para>
/// Thread-safe; one instance per process.
/// </summary>
public sealed class ImageSealer(KeyRing keys)
{
    /// <summary>Bytes before the ciphertext.</summary>
    public const int HeaderLength = 100;
    /// <summary>AES-GCM nonce length, bytes (96 bits).</summary>
    public const int NonceLength = 12;
    /// <summary>AES-GCM tag length, bytes (128 bits).</summary>
    public const int TagLength = 16;
    /// <summary>Data key length, bytes (AES-256).</summary>
    public const int DataKeyLength = 32;

    private static readonly byte[] Magic = "FAE1"u8.ToArray();
    private const int IdAt = 4, WrapNonceAt = 12, WrappedKeyAt = 24, WrapTagAt = 56, NonceAt = 72, TagAt = 84;

    /// <summary>The key ring in use.</summary>
    public KeyRing Keys => keys;

    /// <summary>True when <paramref name="stored"/> is in the sealed format (starts with the magic), false for a
    /// legacy unencrypted image.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> stored) => stored.Length >= HeaderLength && stored.StartsWith(Magic);

    /// <summary>Encrypts <paramref name="plaintext"/> under a new data key wrapped by the current KEK.</summary>
    /// <param name="plaintext">The image bytes (any length, may be empty).</param>
    /// <param name="purpose">What the bytes are, one of <see cref="SealedColumns"/>; the same value must open them.</param>
    /// <returns><see cref="HeaderLength"/> + plaintext length bytes.</returns>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var stored = new byte[HeaderLength + plaintext.Length];
        Span<byte> dataKey = stackalloc byte[DataKeyLength];
        RandomNumberGenerator.Fill(dataKey);
        try
        {
            Magic.CopyTo(stored, 0);
            keys.CurrentId.CopyTo(stored, IdAt);
            Wrap(stored, dataKey, keys.CurrentKey);
            RandomNumberGenerator.Fill(stored.AsSpan(NonceAt, NonceLength));
            using var aes = new AesGcm(dataKey, TagLength);
            aes.Encrypt(stored.AsSpan(NonceAt, NonceLength), plaintext, stored.AsSpan(HeaderLength), stored.AsSpan(TagAt, TagLength), Aad(purpose));
            return stored;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Seals <paramref name="plaintext"/>, or returns null for null (an absent crop or thumbnail).</summary>
    public byte[]? SealOrNull(byte[]? plaintext, string purpose) => plaintext is null ? null : Seal(plaintext, purpose);

    /// <summary>
    /// The plaintext of a stored value: decrypted when sealed, returned as it is when it is a legacy unencrypted image
    /// (no magic).
    /// </summary>
    /// <param name="stored">A value read from a sealed column.</param>
    /// <param name="purpose">The purpose it was sealed with.</param>
    /// <exception cref="CryptographicException">The KEK it names is not configured, or the value was altered or sealed
    /// for another purpose (tag mismatch).</exception>
    public byte[] Open(byte[] stored, string purpose)
    {
        if (!IsSealed(stored))
            return stored;
        Span<byte> dataKey = stackalloc byte[DataKeyLength];
        try
        {
            Unwrap(stored, dataKey);
            var plaintext = new byte[stored.Length - HeaderLength];
            using var aes = new AesGcm(dataKey, TagLength);
            aes.Decrypt(stored.AsSpan(NonceAt, NonceLength), stored.AsSpan(HeaderLength), stored.AsSpan(TagAt, TagLength), plaintext, Aad(purpose));
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary><see cref="Open"/>, or null for null.</summary>
    public byte[]? OpenOrNull(byte[]? stored, string purpose) => stored is null ? null : Open(stored, purpose);

    /// <summary>
    /// Brings a stored value up to date without decrypting its content: a value sealed under an older KEK gets its data
    /// key re-wrapped under the current one (same ciphertext, nonce and tag); a legacy unencrypted image is sealed.
    /// </summary>
    /// <returns>The new stored value, or null when <paramref name="stored"/> is already sealed under the current KEK.</returns>
    /// <exception cref="CryptographicException">The old KEK is not configured, or the wrapped key was altered.</exception>
    public byte[]? Rewrap(byte[] stored, string purpose)
    {
        if (!IsSealed(stored))
            return Seal(stored, purpose);
        if (keys.IsCurrent(stored.AsSpan(IdAt, KeyRing.KeyIdLength)))
            return null;
        Span<byte> dataKey = stackalloc byte[DataKeyLength];
        try
        {
            Unwrap(stored, dataKey);
            var rewrapped = (byte[])stored.Clone();
            keys.CurrentId.CopyTo(rewrapped, IdAt);
            Wrap(rewrapped, dataKey, keys.CurrentKey);
            return rewrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static void Wrap(byte[] stored, ReadOnlySpan<byte> dataKey, byte[] kek)
    {
        RandomNumberGenerator.Fill(stored.AsSpan(WrapNonceAt, NonceLength));
        using var aes = new AesGcm(kek, TagLength);
        aes.Encrypt(stored.AsSpan(WrapNonceAt, NonceLength), dataKey, stored.AsSpan(WrappedKeyAt, DataKeyLength),
            stored.AsSpan(WrapTagAt, TagLength), stored.AsSpan(0, WrapNonceAt));
    }

    private void Unwrap(byte[] stored, Span<byte> dataKey)
    {
        using var aes = new AesGcm(keys.Find(stored.AsSpan(IdAt, KeyRing.KeyIdLength)), TagLength);
        aes.Decrypt(stored.AsSpan(WrapNonceAt, NonceLength), stored.AsSpan(WrappedKeyAt, DataKeyLength),
            stored.AsSpan(WrapTagAt, TagLength), dataKey, stored.AsSpan(0, WrapNonceAt));
    }

    private static byte[] Aad(string purpose) => [.. Magic, .. Encoding.ASCII.GetBytes(purpose)];
}

/// <summary>The sealed columns, each a purpose for <see cref="ImageSealer"/> (the AAD of its values).</summary>
public static class SealedColumns
{
    /// <summary><c>frame_images.content</c>: the photo as uploaded.</summary>
    public const string FrameContent = "frame_images.content";
    /// <summary><c>frame_images.thumbnail</c>: the photo's JPEG thumbnail.</summary>
    public const string FrameThumbnail = "frame_images.thumbnail";
    /// <summary><c>faces.crop</c>: the aligned face's JPEG crop.</summary>
    public const string FaceCrop = "faces.crop";
}
