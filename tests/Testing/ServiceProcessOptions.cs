namespace FaceAspire.Testing;

/// <summary>
/// What <see cref="ServiceProcess.Start"/> runs: <c>dotnet FaceAspire.&lt;Project&gt;.dll &lt;Arguments…&gt;</c> (the build
/// that <see cref="BuiltService.Dll"/> finds) with the test runner's environment, minus
/// <see cref="RemoveInheritedPrefixes"/>, plus <see cref="Environment"/>. The helper adds one setting of its own, the
/// run's key-encryption key (<see cref="TestEncryption"/>; <see cref="Environment"/> may replace it), and no others
/// (environment name, console format, log levels): each test project passes the ones its assertions rely on.
/// </summary>
/// <param name="Project">Project folder name, e.g. <c>Worker</c>: picks <see cref="BuiltService.Dll"/> and the default <see cref="Name"/>.</param>
public sealed record ServiceProcessOptions(string Project)
{
    /// <summary>Label in failure messages and <see cref="ServiceProcess.Tail"/>; the project name when null.</summary>
    public string? Name { get; init; }

    /// <summary>Command-line arguments after the dll (e.g. <c>--urls</c>, <c>--contentRoot</c>, CLI verbs).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>
    /// Variables set on top of the inherited environment, in order: a later key replaces an earlier one, so callers
    /// write <c>[.. defaults, .. specific]</c>. Configuration keys use the env form, e.g. <c>ConnectionStrings__facedb</c>.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>
    /// Inherited variables whose names start with one of these (ordinal) are removed before <see cref="Environment"/> is
    /// applied, e.g. <c>ConnectionStrings__</c> and <c>OTEL_</c> so nothing from the runner redirects the service.
    /// </summary>
    public IReadOnlyList<string> RemoveInheritedPrefixes { get; init; } = [];

    /// <summary>Working directory; the dll's folder when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// When true, a free 127.0.0.1 port is picked and <c>ASPNETCORE_URLS</c> set to it before <see cref="Environment"/>
    /// (which should then not set it again); the address is <see cref="ServiceProcess.BaseUrl"/>.
    /// </summary>
    public bool ListenOnFreePort { get; init; }

    /// <summary>Every output line is also written to this file (truncated first, folder created) as it arrives; by
    /// default <c>artifacts/service-logs/&lt;time&gt;-&lt;name&gt;.log</c> of the repository.</summary>
    public string? LogFile { get; init; }

    /// <summary>
    /// The CPUs the process may run on, as a <c>taskset</c> CPU list (e.g. <c>0</c>, <c>0-1</c>, <c>0,2</c>); every CPU
    /// when null. The process is started as <c>taskset -c CPUS dotnet …</c>, which sets the affinity and then execs,
    /// so <see cref="ServiceProcess.Pid"/> is still the service's own and the service sees only these CPUs from its
    /// first instruction: <c>Environment.ProcessorCount</c>, the thread pool, the GC and anything the service sizes
    /// from them at start (a process pinned later keeps the sizes it chose for every CPU).
    /// </summary>
    public string? Cpus { get; init; }

    /// <summary>
    /// When true, the process starts in a session (and process group) of its own (<c>setsid dotnet …</c>; setsid execs,
    /// so <see cref="ServiceProcess.Pid"/> is still the service's). Sharing the caller's process group, a process
    /// stopped with <see cref="ServiceProcess.Suspend"/> can be sent SIGHUP by the kernel (and die, exit code 129) when
    /// another member of the group exits while the group has no parent in another group of its session, as when the
    /// caller runs detached from its terminal: POSIX's orphaned process group rule.
    /// </summary>
    public bool OwnSession { get; init; }
}
