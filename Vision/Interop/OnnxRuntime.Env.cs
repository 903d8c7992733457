using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceAspire.Vision;

internal static unsafe partial class Interop
{
    internal static partial class OnnxRuntime
    {
        // ORT keeps one OrtEnv per process (CreateEnv* hands out the same one, reference counted) and keeps the
        // logging function of the first creation. The sink is therefore process-wide and static, and the callback is
        // a static [UnmanagedCallersOnly] method: there is no delegate to be collected and no GCHandle to free early.
        private static ILogger s_ortLogger = NullLogger.Instance;

        /// <summary>
        /// Creates (or takes another reference on) the process OrtEnv. ORT's log goes to the first non-null
        /// <paramref name="logger"/> given in the process; with none it is dropped.
        /// </summary>
        internal static EnvHandle CreateEnv(ILogger? logger)
        {
            if (logger is not null)
            {
                Interlocked.CompareExchange(ref s_ortLogger, logger, NullLogger.Instance);
            }
            logger ??= NullLogger.Instance;
            int level = logger.IsEnabled(LogLevel.Trace) ? OrtLoggingLevelVerbose
                : logger.IsEnabled(LogLevel.Debug) ? OrtLoggingLevelInfo
                : OrtLoggingLevelWarning;
            var env = new EnvHandle();
            nint pointer;
            fixed (byte* logId = "faceaspire"u8)
            {
                Check(Table->CreateEnvWithCustomLogger(&OnLog, 0, level, logId, &pointer), "Creating the ORT environment");
            }
            Marshal.InitHandle(env, pointer);
            return env;
        }

        /// <summary>OrtMemoryInfo describing plain CPU memory, used for every tensor over caller buffers.</summary>
        internal static MemoryInfoHandle CreateCpuMemoryInfo()
        {
            var info = new MemoryInfoHandle();
            nint pointer;
            Check(Table->CreateCpuMemoryInfo(OrtDeviceAllocator, OrtMemTypeDefault, &pointer), "Creating CPU memory info");
            Marshal.InitHandle(info, pointer);
            return info;
        }

        /// <summary>Execution providers compiled into the loaded library, e.g. ["CPUExecutionProvider"].</summary>
        internal static string[] GetAvailableProviders()
        {
            byte** names;
            int count;
            Check(Table->GetAvailableProviders(&names, &count), "Listing execution providers");
            try
            {
                var result = new string[count];
                for (int i = 0; i < count; i++)
                {
                    result[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
                }
                return result;
            }
            finally
            {
                Check(Table->ReleaseAvailableProviders(names, count));
            }
        }

        [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
        private static void OnLog(nint param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
        {
            // Exceptions must not cross back into native code.
            try
            {
                LogLevel level = severity switch
                {
                    OrtLoggingLevelVerbose => LogLevel.Trace,
                    // ORT's INFO is diagnostics (every arena extension, graph transformers), dozens of lines per
                    // worker start and more after each new input size: Debug, not the services' default Information.
                    OrtLoggingLevelInfo => LogLevel.Debug,
                    OrtLoggingLevelWarning => LogLevel.Warning,
                    OrtLoggingLevelError => LogLevel.Error,
                    _ => LogLevel.Critical,
                };
                ILogger logger = Volatile.Read(ref s_ortLogger);
                if (logger.IsEnabled(level))
                {
                    logger.Log(level, "[ORT {Category} {Location}] {Message}",
                        Utf8(category), Utf8(codeLocation), Utf8(message));
                }
            }
            catch (Exception)
            {
                // Logging is best effort; dropping a line is better than crashing the process.
            }
        }

        private static string Utf8(byte* text) => text == null ? string.Empty : Marshal.PtrToStringUTF8((nint)text)!;

        /// <summary>A NUL-terminated UTF-8 copy on the pinned object heap, so its address can be handed to ORT freely.</summary>
        internal static byte[] PinnedUtf8(string text)
        {
            int length = Encoding.UTF8.GetByteCount(text);
            byte[] bytes = GC.AllocateArray<byte>(length + 1, pinned: true);
            Encoding.UTF8.GetBytes(text, bytes);
            return bytes;
        }
    }
}
