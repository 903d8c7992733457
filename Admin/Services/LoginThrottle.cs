using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FaceAspire.Admin.Services;

/// <summary>
/// Locks sign-in for a user name, and for a client address, after <see cref="AdminOptions.LockoutFailures"/> wrong
/// passwords within <see cref="AdminOptions.LockoutMinutes"/>, for that many minutes: an online password guesser gets a
/// handful of tries per quarter hour instead of thousands. A success clears the name's count. Kept in memory: the admin
/// runs as one process, and a restart, which an attacker cannot cause, starting the counts afresh is acceptable.
/// Thread-safe.
/// </summary>
public sealed class LoginThrottle(IOptions<AdminOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed record Window(int Failures, DateTimeOffset Start, DateTimeOffset? LockedUntil);

    /// <summary>When the name or the address is locked: until when (the later of the two); null when sign-in may be tried.</summary>
    public DateTimeOffset? LockedUntil(string username, string? address)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? until = null;
        foreach (var key in Keys(username, address))
            if (_windows.TryGetValue(key, out var w) && w.LockedUntil is { } l && l > now && (until is null || l > until))
                until = l;
        return until;
    }

    /// <summary>Counts a wrong password for the name and the address; returns when they are locked now, or null.</summary>
    public DateTimeOffset? Failed(string username, string? address)
    {
        var (max, span) = (options.Value.LockoutFailures, TimeSpan.FromMinutes(options.Value.LockoutMinutes));
        var now = time.GetUtcNow();
        foreach (var key in Keys(username, address))
            _windows.AddOrUpdate(key, _ => new Window(1, now, max <= 1 ? now + span : null), (_, w) =>
            {
                var window = now - w.Start > span || w.LockedUntil <= now ? new Window(0, now, null) : w;
                var failures = window.Failures + 1;
                return window with { Failures = failures, LockedUntil = failures >= max ? now + span : null };
            });
        return LockedUntil(username, address);
    }

    /// <summary>A successful sign-in: the name's failures are forgotten (the address keeps its count).</summary>
    public void Succeeded(string username) => _windows.TryRemove(UserKey(username), out _);

    private static IEnumerable<string> Keys(string username, string? address)
    {
        yield return UserKey(username);
        if (!string.IsNullOrEmpty(address))
            yield return "ip:" + address;
    }

    private static string UserKey(string username) => "user:" + username.Trim().ToLowerInvariant();
}
