using System.Runtime.InteropServices;

// kill(2), bash scripts and unix file modes: the AppHost runs on Linux (and would on macOS with its own signal numbers).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace FaceAspire.AppHost.Hosting;

/// <summary>libc calls .NET does not expose: sending SIGTERM/SIGINT (Process.Kill only sends SIGKILL).</summary>
internal static partial class Interop
{
    internal static partial class Libc
    {
        private const string LibraryName = "libc";

        /// <summary>Linux signal numbers (signal(7), x86-64 and arm64).</summary>
        public const int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;

        /// <summary>kill(2): returns 0, or -1 with errno (ESRCH when the process is gone).</summary>
        [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
