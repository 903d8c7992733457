namespace FaceAspire.Worker.Bench;

/// <summary>The running processes as Linux <c>/proc</c> lists them (for <see cref="CpuAccounting"/> and <see cref="CorePinning"/>).</summary>
internal static class ProcFs
{
    /// <summary>Every process id under <c>/proc</c> at the moment of the listing.</summary>
    public static IEnumerable<int> Pids() => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
        .Where(pid => pid > 0);

    /// <summary>The process's command name (<c>/proc/PID/comm</c>, e.g. <c>postgres</c>), or null once it has exited.</summary>
    public static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return null; }
    }
}
