using System.Security.Cryptography;
using System.Text;

namespace FaceAspire.Core.Security;

/// <summary>
/// The key-encryption keys one process holds: the current one (wraps new data keys) and earlier ones (unwrap only),
/// each a 256-bit AES key derived from its configured secret with HKDF-SHA256 and known by an 8-byte id, the first 8
/// bytes of a second HKDF output (so the id names the key without revealing it, and needs no configuration).
/// Built once at start from <see cref="EncryptionOptions"/>.
/// </summary>
public sealed class KeyRing
{
    /// <summary>Length of a key id, bytes.</summary>
    public const int KeyIdLength = 8;

    private static readonly byte[] KeyInfo = Encoding.ASCII.GetBytes("FaceAspire KEK v1");
    private static readonly byte[] IdInfo = Encoding.ASCII.GetBytes("FaceAspire KEK id v1");
    private readonly Dictionary<ulong, byte[]> _keys = [];

    /// <summary>Builds the ring from secrets: the first is current, the rest are for reading.</summary>
    /// <param name="current">The current secret, at least <see cref="EncryptionOptions.MinSecretLength"/> characters.</param>
    /// <param name="previous">Earlier secrets (any order; duplicates of the current one are ignored).</param>
    /// <exception cref="ArgumentException">A secret is shorter than <see cref="EncryptionOptions.MinSecretLength"/>.</exception>
    public KeyRing(string current, IEnumerable<string>? previous = null)
    {
        (CurrentId, CurrentKey) = Derive(current);
        _keys[BitConverter.ToUInt64(CurrentId)] = CurrentKey;
        foreach (var secret in previous ?? [])
        {
            var (id, key) = Derive(secret);
            _keys.TryAdd(BitConverter.ToUInt64(id), key);
        }
    }

    /// <summary>The id of the current KEK (<see cref="KeyIdLength"/> bytes), stored beside every data key it wraps.</summary>
    public byte[] CurrentId { get; }

    /// <summary>The current 256-bit KEK.</summary>
    internal byte[] CurrentKey { get; }

    /// <summary>Number of keys held (current + previous, distinct).</summary>
    public int Count => _keys.Count;

    /// <summary>The current key id as lower-case hex (16 characters), for logs and job results.</summary>
    public string CurrentIdHex => Convert.ToHexStringLower(CurrentId);

    /// <summary>The KEK with id <paramref name="id"/>.</summary>
    /// <exception cref="CryptographicException">No configured key has that id (the message names it, and how to fix it).</exception>
    internal byte[] Find(ReadOnlySpan<byte> id) =>
        _keys.TryGetValue(BitConverter.ToUInt64(id), out var key) ? key
            : throw new CryptographicException(
                $"The data key is wrapped by key-encryption key {Convert.ToHexStringLower(id)}, which is not configured: add its secret to {EncryptionOptions.SectionName}:PreviousKeys.");

    /// <summary>True when <paramref name="id"/> is the current key's.</summary>
    public bool IsCurrent(ReadOnlySpan<byte> id) => id.SequenceEqual(CurrentId);

    /// <summary>
    /// The ring <paramref name="options"/> describes (<see cref="EncryptionOptions.Key"/> or the text of
    /// <see cref="EncryptionOptions.KeyFile"/>, plus the previous keys and key files).
    /// </summary>
    /// <exception cref="InvalidOperationException">No current key, both Key and KeyFile, a missing or unreadable key
    /// file, or a secret that is too short; the message says which setting to fix.</exception>
    public static KeyRing FromOptions(EncryptionOptions options)
    {
        var hasKey = !string.IsNullOrWhiteSpace(options.Key);
        var hasFile = !string.IsNullOrWhiteSpace(options.KeyFile);
        if (hasKey == hasFile)
            throw new InvalidOperationException(hasKey
                ? $"Set {EncryptionOptions.SectionName}:Key or {EncryptionOptions.SectionName}:KeyFile, not both."
                : $"No key-encryption key: set {EncryptionOptions.SectionName}:Key (env Encryption__Key) or {EncryptionOptions.SectionName}:KeyFile " +
                  $"to a secret of at least {EncryptionOptions.MinSecretLength} characters (e.g. `openssl rand -base64 32`). It encrypts stored photos " +
                  "and face crops and must never be stored in the database; the AppHost generates one for development.");
        var current = hasKey ? options.Key!.Trim() : ReadFile(options.KeyFile!, "KeyFile");
        var previous = options.PreviousKeys.Select(k => k.Trim())
            .Concat(options.PreviousKeyFiles.Select(f => ReadFile(f, "PreviousKeyFiles"))).ToList();
        try
        {
            return new KeyRing(current, previous);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{EncryptionOptions.SectionName}: {e.Message}", e);
        }
    }

    private static string ReadFile(string path, string setting)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{EncryptionOptions.SectionName}:{setting} '{path}' cannot be read: {e.Message}", e);
        }
    }

    private static (byte[] Id, byte[] Key) Derive(string secret)
    {
        if (secret.Length < EncryptionOptions.MinSecretLength)
            throw new ArgumentException($"A key-encryption secret must have at least {EncryptionOptions.MinSecretLength} characters; one has {secret.Length}.");
        var ikm = Encoding.UTF8.GetBytes(secret);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt: null, info: KeyInfo);
        var id = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, KeyIdLength, salt: null, info: IdInfo);
        return (id, key);
    }
}
