using System.Collections.Concurrent;
using FaceAspire.Core.Data.Entities;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Api.Auth;

/// <summary>A key that passed <see cref="ApiKeyValidator.ValidateAsync"/>.</summary>
/// <param name="Id">The key's row id.</param>
/// <param name="Prefix">Its first <see cref="ApiKey.PrefixLength"/> characters, for display and audit.</param>
/// <param name="Name">Its human label.</param>
/// <param name="Scopes">What it may do (<see cref="ApiKeyScopes"/>).</param>
public sealed record ValidApiKey(Guid Id, string Prefix, string Name, IReadOnlyList<string> Scopes);

/// <summary>
/// Checks API keys against <c>api_keys</c> (SHA-256 hashes, see <see cref="ApiKey.ComputeHash"/>): a key is valid while
/// not revoked and not past its <see cref="ApiKey.ExpiresAt"/>. Valid keys are cached for
/// <see cref="ApiOptions.ApiKeyCacheSeconds"/> (never past their expiry) so that a busy camera costs one hash per
/// request, not one query; a revoked key therefore stops working within that delay. Unknown keys are never
/// cached (the cache cannot be flooded with guesses). Concurrent requests with the same uncached key share one
/// lookup: without that, the first burst after a start or an expiry ran one query per request, and the pool opened a
/// connection for each (16 for the ingest bench's 16 connections) and kept them. Thread-safe singleton.
/// </summary>
public sealed class ApiKeyValidator(NpgsqlDataSource dataSource, IOptions<ApiOptions> options, TimeProvider time)
{
    private const int MaxCachedKeys = 10_000;
    private readonly ConcurrentDictionary<string, (ValidApiKey Key, DateTimeOffset Until)> _valid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<ValidApiKey?>>> _lookups = new(StringComparer.Ordinal);
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(options.Value.ApiKeyCacheSeconds);

    /// <summary>The key when it exists, is not revoked and has not expired, else null.</summary>
    /// <param name="key">The presented key (any string; empty → null without a query).</param>
    /// <param name="cancellationToken">Stops this caller's wait; a lookup shared with other callers still finishes.</param>
    /// <exception cref="NpgsqlException">The database is unreachable (the caller gets a 5xx, not a 401); every caller
    /// sharing the lookup gets it, and the next request tries again.</exception>
    public async Task<ValidApiKey?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 512)
            return null;
        var hash = ApiKey.ComputeHash(key);
        if (_valid.TryGetValue(hash, out var hit) && hit.Until > time.GetUtcNow())
            return hit.Key;
        // Lazy: GetOrAdd may run its factory more than once under a race, the Lazy's value is created once.
        var lookup = _lookups.GetOrAdd(hash, h => new Lazy<Task<ValidApiKey?>>(() => LookupAsync(h)));
        try
        {
            // The shared query runs to its end; each caller stops waiting on its own token.
            return await lookup.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            // Only this lookup's entry: a later one for the same key may already have replaced it.
            _lookups.TryRemove(KeyValuePair.Create(hash, lookup));
        }
    }

    private async Task<ValidApiKey?> LookupAsync(string hash)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, prefix, name, scopes, expires_at FROM api_keys
            WHERE hash = @h AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            """);
        command.Parameters.AddWithValue("h", hash);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        if (!await reader.ReadAsync(CancellationToken.None))
        {
            _valid.TryRemove(hash, out _);
            return null;
        }
        var entry = new ValidApiKey(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3));
        var expires = reader.IsDBNull(4) ? DateTimeOffset.MaxValue : reader.GetFieldValue<DateTimeOffset>(4);
        if (_ttl > TimeSpan.Zero)
        {
            if (_valid.Count >= MaxCachedKeys)
                _valid.Clear();
            var until = time.GetUtcNow() + _ttl;
            _valid[hash] = (entry, until < expires ? until : expires);
        }
        return entry;
    }

    /// <summary>
    /// Inserts <paramref name="key"/> (hashed) named <paramref name="name"/> with <paramref name="scopes"/> (null = all)
    /// unless a row with its hash exists — a revoked bootstrap key stays revoked. Returns true when a row was inserted.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown scope.</exception>
    public async Task<bool> EnsureAsync(string name, string key, CancellationToken cancellationToken, IEnumerable<string>? scopes = null,
        DateTimeOffset? expiresAt = null)
    {
        var row = ApiKey.Create(name, key, time.GetUtcNow(), scopes, expiresAt);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO api_keys (id, name, prefix, hash, created_at, scopes, expires_at) VALUES (@id, @n, @p, @h, @c, @s, @e)
            ON CONFLICT (hash) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", row.Id);
        command.Parameters.AddWithValue("n", row.Name);
        command.Parameters.AddWithValue("p", row.Prefix);
        command.Parameters.AddWithValue("h", row.Hash);
        command.Parameters.AddWithValue("c", row.CreatedAt);
        command.Parameters.AddWithValue("s", row.Scopes);
        command.Parameters.AddWithValue("e", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)row.ExpiresAt ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
