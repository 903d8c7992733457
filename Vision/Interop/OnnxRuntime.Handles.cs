using System.Runtime.InteropServices;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision;

internal static unsafe partial class Interop
{
    internal static partial class OnnxRuntime
    {
        /// <summary>
        /// Turns an OrtStatus* into an exception carrying ORT's own code and message, releasing the status first.
        /// Every table call that returns a status goes through here.
        /// </summary>
        internal static void Check(nint status, string? context = null)
        {
            if (status == 0)
            {
                return;
            }
            Api* api = Table;
            var code = (OrtErrorCode)api->GetErrorCode(status);
            string message = Marshal.PtrToStringUTF8((nint)api->GetErrorMessage(status)) ?? "(no message)";
            api->ReleaseStatus(status);
            throw new OnnxRuntimeException(code, context is null ? message : $"{context}: {message}");
        }

        /// <summary>
        /// Base of our ORT handles. <see cref="DependOn"/> keeps parents alive (a session keeps the env and the CPU
        /// memory info, an output keeps its session) so release order is right even when both reach the finalizer together.
        /// </summary>
        internal abstract class OrtHandle() : SafeHandle(0, ownsHandle: true)
        {
            // Two slots cover every case (session: env + memory info; output: session) without a per-run list.
            private SafeHandle? _parent, _secondParent;

            public override bool IsInvalid => handle == 0;

            internal nint Pointer => handle;

            internal void DependOn(SafeHandle parent)
            {
                bool added = false;
                parent.DangerousAddRef(ref added);
                if (_parent is null)
                {
                    _parent = parent;
                }
                else if (_secondParent is null)
                {
                    _secondParent = parent;
                }
                else
                {
                    parent.DangerousRelease();
                    throw new InvalidOperationException("An ORT handle depends on at most two others.");
                }
            }

            protected abstract void Release(Api* api, nint pointer);

            protected sealed override bool ReleaseHandle()
            {
                Release(s_api, handle);
                _secondParent?.DangerousRelease();
                _parent?.DangerousRelease();
                return true;
            }
        }

        internal sealed class EnvHandle : OrtHandle
        {
            protected override void Release(Api* api, nint pointer) => api->ReleaseEnv(pointer);
        }

        internal sealed class MemoryInfoHandle : OrtHandle
        {
            protected override void Release(Api* api, nint pointer) => api->ReleaseMemoryInfo(pointer);
        }

        internal sealed class SessionOptionsHandle : OrtHandle
        {
            protected override void Release(Api* api, nint pointer) => api->ReleaseSessionOptions(pointer);
        }

        internal sealed class SessionHandle : OrtHandle
        {
            protected override void Release(Api* api, nint pointer) => api->ReleaseSession(pointer);
        }

        internal sealed class ValueHandle : OrtHandle
        {
            protected override void Release(Api* api, nint pointer) => api->ReleaseValue(pointer);
        }

        internal sealed class TypeInfoHandle : OrtHandle
        {
            protected override void Release(Api* api, nint pointer) => api->ReleaseTypeInfo(pointer);
        }

        internal sealed class TensorTypeAndShapeInfoHandle : OrtHandle
        {
            protected override void Release(Api* api, nint pointer) => api->ReleaseTensorTypeAndShapeInfo(pointer);
        }

        /// <summary>Wraps a freshly created pointer; the caller must not have let it escape before this.</summary>
        internal static T Wrap<T>(nint pointer) where T : OrtHandle, new()
        {
            var wrapped = new T();
            Marshal.InitHandle(wrapped, pointer);
            return wrapped;
        }
    }
}
