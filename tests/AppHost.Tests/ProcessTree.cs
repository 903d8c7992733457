namespace FaceAspire.AppHost.Tests;

/// <summary>The processes below a process, read from Linux's /proc (parent pid is field 4 of /proc/PID/stat).</summary>
internal static class ProcessTree
{
    /// <summary>Every live descendant of <paramref name="root"/> with its command line.</summary>
    public static List<(int Pid, string CommandLine)> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid …": comm may hold spaces and parentheses, so parse after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z")
                    parents[pid] = int.Parse(fields[1]);
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }
        var result = new List<(int, string)>();
        foreach (var pid in parents.Keys)
        {
            for (var p = parents[pid]; parents.ContainsKey(p) || p == root; p = parents.GetValueOrDefault(p))
            {
                if (p != root)
                    continue;
                result.Add((pid, CommandLine(pid)));
                break;
            }
        }
        return result;
    }

    /// <summary>The process's command line, arguments joined by spaces ("" when it is gone).</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The value of environment variable <paramref name="name"/> of the process, or null.</summary>
    public static string? Environment(int pid, string name)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0')
                .FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
