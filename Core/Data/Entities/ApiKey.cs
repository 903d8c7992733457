using System.Security.Cryptography;
using System.Text;

namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// An ingest API key (table <c>api_keys</c>). Only the SHA-256 of the key is stored; the key itself is shown once
/// when created. Keys are random (see <see cref="Generate"/>), so an unsalted fast hash is enough: there is no
/// dictionary to attack.
/// </summary>
public sealed class ApiKey
{
    /// <summary>Number of leading key characters kept in <see cref="Prefix"/> for display.</summary>
    public const int PrefixLength = 8;

    /// <summary>Primary key.</summary>
    public Guid Id { get; set; }
    /// <summary>Human label, e.g. "front door camera".</summary>
    public string Name { get; set; } = "";
    /// <summary>First <see cref="PrefixLength"/> characters of the key, to recognise it in lists.</summary>
    public string Prefix { get; set; } = "";
    /// <summary>Lower-case hex SHA-256 of the UTF-8 key (64 chars); unique.</summary>
    public string Hash { get; set; } = "";
    /// <summary>When created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When revoked; null while valid.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="key"/>, as stored in <see cref="Hash"/>.</summary>
    public static string ComputeHash(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new random key: "fa_" + 43 base64url characters (256 bits from the OS CSPRNG).</summary>
    public static string Generate() =>
        "fa_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A row for <paramref name="key"/> (hash and prefix filled in); the key itself is not kept.</summary>
    public static ApiKey Create(string name, string key, DateTimeOffset createdAt) => new()
    {
        Id = Guid.CreateVersion7(),
        Name = name,
        Prefix = key.Length <= PrefixLength ? key : key[..PrefixLength],
        Hash = ComputeHash(key),
        CreatedAt = createdAt.ToUniversalTime(),
    };
}
