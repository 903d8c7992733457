using System.Runtime.InteropServices;

namespace FaceAspire.Vision;

internal static unsafe partial class Interop
{
    internal static partial class OnnxRuntime
    {
        /// <summary>The soname of the official Linux build (npm onnxruntime-node, GitHub releases).</summary>
        internal const string LibraryName = "libonnxruntime.so.1";

        /// <summary>Environment variable naming the library file explicitly.</summary>
        internal const string LibraryPathVariable = "FACEASPIRE_ORT_LIBRARY";

        /// <summary>Where models/fetch.sh puts the library, relative to the repository root.</summary>
        internal static readonly string RepositoryRelativePath = Path.Combine("models", "cache", LibraryName);

        private static readonly Lock s_loadLock = new();
        private static Api* s_api;
        private static string? s_loadedFrom;
        private static string? s_version;

        /// <summary>The OrtApi table; valid once <see cref="Load"/> has succeeded (it is never unloaded).</summary>
        internal static Api* Table
        {
            get
            {
                Api* api = s_api;
                return api != null ? api : throw new InvalidOperationException("ONNX Runtime has not been loaded.");
            }
        }

        /// <summary>
        /// Loads the library once per process and returns (path, version). ORT cannot be safely unloaded while its
        /// thread pools live, so the handle is kept for the life of the process; a second, different library is refused.
        /// We use NativeLibrary.Load + GetExport rather than a DllImport resolver because a resolver can be set only
        /// once per assembly and Vision also binds libturbojpeg and libstb.
        /// </summary>
        internal static (string Path, string Version) Load(string? libraryPath)
        {
            IReadOnlyList<string> candidates = Candidates(libraryPath, Environment.GetEnvironmentVariable(LibraryPathVariable),
                AppContext.BaseDirectory, out string source, out string? searchNote);
            lock (s_loadLock)
            {
                if (s_api != null)
                {
                    if (libraryPath is not null && !SameFile(libraryPath, s_loadedFrom!))
                    {
                        if (!File.Exists(candidates[0]))
                        {
                            throw NotFound(source, [$"{candidates[0]} (no such file)"]);
                        }
                        throw new InvalidOperationException(
                            $"ONNX Runtime is already loaded from '{s_loadedFrom}' in this process; cannot also load '{libraryPath}'.");
                    }
                    return (s_loadedFrom!, s_version!);
                }

                var failures = new List<string>();
                if (searchNote is not null)
                {
                    failures.Add(searchNote);
                }
                foreach (string candidate in candidates)
                {
                    // A bare soname goes to the dynamic loader's own search (LD_LIBRARY_PATH, ldconfig cache).
                    bool isPath = candidate.Contains('/');
                    if (isPath && !File.Exists(candidate))
                    {
                        failures.Add($"{candidate} (no such file)");
                        continue;
                    }
                    if (!NativeLibrary.TryLoad(candidate, out nint handle))
                    {
                        failures.Add($"{candidate} ({(isPath ? "exists but could not be loaded" : "not found by the dynamic loader")})");
                        continue;
                    }
                    if (!NativeLibrary.TryGetExport(handle, GetApiBaseExport, out nint getApiBase))
                    {
                        throw new EntryPointNotFoundException(
                            $"'{candidate}' has no export '{GetApiBaseExport}'; it is not an ONNX Runtime library.");
                    }
                    ApiBase* apiBase = ((delegate* unmanaged[Cdecl]<ApiBase*>)getApiBase)();
                    string version = Marshal.PtrToStringUTF8((nint)apiBase->GetVersionString()) ?? "unknown";
                    Api* api = apiBase->GetApi(ApiVersion);
                    if (api == null)
                    {
                        throw new NotSupportedException(
                            $"ONNX Runtime {version} at '{candidate}' does not serve C API version {ApiVersion}.");
                    }
                    s_loadedFrom = candidate;
                    s_version = version;
                    s_api = api;
                    return (candidate, version);
                }

                throw NotFound(source, failures);
            }
        }

        private static DllNotFoundException NotFound(string source, IEnumerable<string> tried) => new(
            $"ONNX Runtime ({LibraryName}) was not found; {source}. Tried: {string.Join("; ", tried)}. " +
            $"Run models/fetch.sh, or set {LibraryPathVariable} to the library file.");

        /// <summary>
        /// Candidate files in order: the explicit path only; else the environment variable only (a set but wrong
        /// value is a configuration error, not a reason to pick another library); else models/cache/ in the nearest
        /// ancestor of <paramref name="baseDirectory"/> (the application directory), then the bare soname.
        /// </summary>
        internal static IReadOnlyList<string> Candidates(string? libraryPath, string? fromEnvironment, string baseDirectory,
            out string source, out string? searchNote)
        {
            searchNote = null;
            if (!string.IsNullOrWhiteSpace(libraryPath))
            {
                source = "an explicit path was given";
                return [Path.GetFullPath(libraryPath)];
            }
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                source = $"{LibraryPathVariable} is set";
                return [Path.GetFullPath(fromEnvironment)];
            }

            source = $"no path was given and {LibraryPathVariable} is not set";
            var candidates = new List<string>();
            for (DirectoryInfo? dir = new(baseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RepositoryRelativePath);
                if (File.Exists(candidate))
                {
                    candidates.Add(candidate);
                    break;
                }
            }
            if (candidates.Count == 0)
            {
                searchNote = $"{RepositoryRelativePath} under {baseDirectory} and each of its ancestors (not found)";
            }
            candidates.Add(LibraryName);
            return candidates;
        }

        private static bool SameFile(string a, string b) =>
            string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
    }
}
