using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FaceAspire.Cli.Import;

/// <summary>
/// What an import of one folder has already sent, so a second run skips it and a killed run resumes: one JSON line per
/// accepted file (path, size, mtime, frame id), appended and flushed after each 202. Kept under
/// <c>$XDG_STATE_HOME/faceaspire</c> (default ~/.local/state/faceaspire), one file per folder and API.
/// The server is idempotent too (sha256 key), so a lost journal costs only re-uploads, never duplicates.
/// </summary>
public sealed class ImportJournal : IDisposable
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly StreamWriter _writer;
    private readonly object _gate = new();

    private sealed record Entry(string Path, long Size, long MtimeTicks, Guid FrameId);

    /// <summary>Opens (or creates) the journal for <paramref name="folder"/> imported into <paramref name="api"/>.</summary>
    public ImportJournal(string folder, string api, string? directory = null)
    {
        directory ??= Path.Combine(Environment.GetEnvironmentVariable("XDG_STATE_HOME")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state"), "faceaspire");
        Directory.CreateDirectory(directory);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(folder) + "|" + api)))[..16];
        FilePath = Path.Combine(directory, $"import-{key}.jsonl");
        if (File.Exists(FilePath))
        {
            foreach (var line in File.ReadLines(FilePath))
            {
                try
                {
                    if (JsonSerializer.Deserialize<Entry>(line) is { } e) _entries[e.Path] = e;
                }
                catch (JsonException) { } // a line cut by a kill: that file is simply sent again
            }
        }
        _writer = new StreamWriter(new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>The journal file.</summary>
    public string FilePath { get; }

    /// <summary>Whether this exact file (same size and modification time) was already accepted.</summary>
    public bool IsDone(string path)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(Path.GetFullPath(path), out var e)) return false;
            var info = new FileInfo(path);
            return info.Exists && info.Length == e.Size && info.LastWriteTimeUtc.Ticks == e.MtimeTicks;
        }
    }

    /// <summary>Records an accepted file (flushed immediately).</summary>
    public void MarkDone(string path, Guid frameId)
    {
        var info = new FileInfo(path);
        var entry = new Entry(Path.GetFullPath(path), info.Length, info.LastWriteTimeUtc.Ticks, frameId);
        lock (_gate)
        {
            _entries[entry.Path] = entry;
            _writer.WriteLine(JsonSerializer.Serialize(entry));
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer.Dispose();
}
