using System.Threading.Channels;

namespace FaceAspire.Cli.Import;

/// <summary>
/// New image files in a folder: a <see cref="FileSystemWatcher"/> for prompt notice plus a periodic rescan for events
/// the watcher misses (network shares, overflow). A file is yielded only once it is complete: its size and mtime
/// unchanged for <see cref="SettleTime"/> and it can be opened for reading — so files still being copied are not read
/// half-way. Each path is yielded once per (size, mtime).
/// </summary>
public sealed class FolderWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Channel<string> _candidates = Channel.CreateUnbounded<string>();
    private readonly Func<string, bool> _filter;
    private readonly Func<IEnumerable<string>> _rescan;
    private readonly HashSet<(string, long, DateTime)> _seen = [];

    /// <summary>Time a file must stay unchanged before it is read (default 1.5 s).</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Interval of the safety rescan (default 30 s).</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Starts watching <paramref name="folder"/>; files already present are treated as seen.</summary>
    public FolderWatcher(string folder, bool recursive, Func<string, bool> filter, Func<IEnumerable<string>> rescan)
    {
        _filter = filter;
        _rescan = rescan;
        foreach (var f in rescan()) _seen.Add(Key(f));
        _watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = recursive, EnableRaisingEvents = true };
        _watcher.Created += (_, e) => Offer(e.FullPath);
        _watcher.Changed += (_, e) => Offer(e.FullPath);
        _watcher.Renamed += (_, e) => Offer(e.FullPath);
    }

    private void Offer(string path)
    {
        if (_filter(path)) _candidates.Writer.TryWrite(path);
    }

    /// <summary>Yields complete new files until cancelled.</summary>
    public async IAsyncEnumerable<string> ReadyFilesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var rescanTimer = new PeriodicTimer(RescanInterval);
        _ = Task.Run(async () =>
        {
            while (await rescanTimer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                foreach (var f in _rescan()) Offer(f);
        }, ct);
        await foreach (var path in _candidates.Reader.ReadAllAsync(ct))
        {
            if (!await SettledAsync(path, ct)) continue;
            if (_seen.Add(Key(path))) yield return path;
        }
    }

    private async Task<bool> SettledAsync(string path, CancellationToken ct)
    {
        for (int tries = 0; tries < 120; tries++)
        {
            var before = new FileInfo(path);
            if (!before.Exists) return false;
            await Task.Delay(SettleTime, ct);
            var after = new FileInfo(path);
            if (!after.Exists) return false;
            if (after.Length == before.Length && after.LastWriteTimeUtc == before.LastWriteTimeUtc && after.Length > 0)
            {
                try { using var _ = File.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read); return true; }
                catch (IOException) { }
            }
        }
        return false;
    }

    private static (string, long, DateTime) Key(string path)
    {
        var info = new FileInfo(path);
        return (Path.GetFullPath(path), info.Exists ? info.Length : -1, info.Exists ? info.LastWriteTimeUtc : default);
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _watcher.Dispose();
        _candidates.Writer.TryComplete();
    }
}
