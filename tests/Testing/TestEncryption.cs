using System.Security.Cryptography;
using FaceAspire.Core.Security;

namespace FaceAspire.Testing;

/// <summary>
/// The key-encryption key of one test run: random per test process (never committed), given to every service the
/// run starts (<see cref="ServiceProcess"/> sets <c>Encryption__Key</c> unless the caller sets it) and to the
/// in-process writers and readers through <see cref="Sealer"/>, so both sides open each other's images.
/// </summary>
public static class TestEncryption
{
    /// <summary>The run's secret (base64 of 32 random bytes).</summary>
    public static string Key { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A sealer over <see cref="Key"/>.</summary>
    public static ImageSealer Sealer { get; } = new(new KeyRing(Key));

    /// <summary>The environment variable that gives a service <see cref="Key"/>.</summary>
    public const string EnvironmentVariable = "Encryption__Key";
}
