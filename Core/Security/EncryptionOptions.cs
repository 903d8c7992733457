namespace FaceAspire.Core.Security;

/// <summary>
/// Configuration section <c>Encryption</c>: the key-encryption keys (KEKs) that wrap the data keys of stored photos,
/// thumbnails and face crops (<see cref="ImageSealer"/>). None of them is ever written to the database.
/// A KEK secret is any string of at least <see cref="MinSecretLength"/> characters with about 256 bits of entropy
/// (e.g. <c>openssl rand -base64 32</c>, or the AppHost's generated parameter); the 256-bit AES key is derived from it
/// with HKDF-SHA256 (RFC 5869), so the secret's format does not matter.
/// </summary>
public sealed class EncryptionOptions
{
    /// <summary>The section name, <c>Encryption</c>.</summary>
    public const string SectionName = "Encryption";

    /// <summary>Shortest accepted secret, characters (32 base64 characters ≈ 192 bits; generated secrets are longer).</summary>
    public const int MinSecretLength = 32;

    /// <summary>The current KEK secret (<c>Encryption:Key</c>, e.g. env <c>Encryption__Key</c>): wraps every new data
    /// key and unwraps old ones. Set this or <see cref="KeyFile"/>, not both.</summary>
    public string? Key { get; set; }

    /// <summary>Path of a file whose text (trimmed) is the current KEK secret (<c>Encryption:KeyFile</c>), e.g. a
    /// mounted container secret. Set this or <see cref="Key"/>, not both.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Earlier KEK secrets, still accepted for reading (<c>Encryption:PreviousKeys:0</c>, …): after a rotation they
    /// unwrap the data keys written before it until the <c>reseal</c> job has re-wrapped them under <see cref="Key"/>.
    /// </summary>
    public List<string> PreviousKeys { get; set; } = [];

    /// <summary>Files holding earlier KEK secrets (<c>Encryption:PreviousKeyFiles:0</c>, …), as <see cref="PreviousKeys"/>.</summary>
    public List<string> PreviousKeyFiles { get; set; } = [];
}
