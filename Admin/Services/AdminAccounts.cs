using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Admin.Services;

/// <summary>
/// The operator account: from configuration (<see cref="AdminOptions.Username"/> + hash) when set, otherwise the
/// single row the first-run setup writes to <c>admin_users</c>. Hashes use ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> (v3: PBKDF2-HMAC-SHA512, 100 000 iterations, 128-bit salt).
/// </summary>
public sealed class AdminAccounts(NpgsqlDataSource dataSource, IOptions<AdminOptions> options)
{
    /// <summary>Advisory-lock key serialising first-run setup (ASCII "FAADMINS"), so two tabs cannot both win.</summary>
    private const long SetupLockKey = 0x4641_4144_4D49_4E53;
    private static readonly PasswordHasher<string> Hasher = new();
    private readonly AdminOptions _options = options.Value;

    /// <summary>Hashes <paramref name="password"/> in the format <see cref="AdminOptions.PasswordHash"/> expects.</summary>
    public static string HashPassword(string password) => Hasher.HashPassword("admin", password);

    /// <summary>True when an operator exists (configured or stored); false means the setup page is open.</summary>
    public async Task<bool> IsSetUpAsync(CancellationToken cancellationToken)
    {
        if (_options.HasConfiguredUser)
            return true;
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM admin_users)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Checks a login; returns the canonical user name, or null when the name or password is wrong.</summary>
    public async Task<string?> VerifyAsync(string username, string password, CancellationToken cancellationToken)
    {
        string? hash;
        string? name;
        if (_options.HasConfiguredUser)
        {
            (name, hash) = (_options.Username, _options.PasswordHash);
            if (!string.Equals(name, username, StringComparison.Ordinal))
                name = hash = null;
        }
        else
        {
            await using var command = dataSource.CreateCommand("SELECT username, password_hash FROM admin_users WHERE username = @u");
            command.Parameters.AddWithValue("u", username);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            (name, hash) = await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : (null, null);
        }
        // Hash even for unknown users, so response time does not tell which names exist.
        var result = Hasher.VerifyHashedPassword("admin", hash ?? DummyHash.Value, password);
        return name is not null && result != PasswordVerificationResult.Failed ? name : null;
    }

    /// <summary>
    /// Stores the first operator. Refused (false) when one is configured or already stored — setup runs once.
    /// </summary>
    public async Task<bool> CreateFirstAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (_options.HasConfiguredUser)
            return false;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock({SetupLockKey});
            INSERT INTO admin_users (username, password_hash)
            SELECT @u, @h WHERE NOT EXISTS (SELECT 1 FROM admin_users);
            """, connection, transaction);
        command.Parameters.AddWithValue("u", username);
        command.Parameters.AddWithValue("h", HashPassword(password));
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return inserted == 1;
    }

    private static readonly Lazy<string> DummyHash = new(() => HashPassword(Guid.NewGuid().ToString()));
}
