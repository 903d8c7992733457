using System.Runtime.InteropServices;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision;

internal static unsafe partial class Interop
{
    internal static partial class OnnxRuntime
    {
        internal static SessionOptionsHandle CreateSessionOptions(OnnxSessionOptions options)
        {
            var handle = new SessionOptionsHandle();
            nint pointer;
            Check(Table->CreateSessionOptions(&pointer), "Creating session options");
            Marshal.InitHandle(handle, pointer);
            Check(Table->SetIntraOpNumThreads(pointer, options.IntraOpThreads), "Setting intra-op threads");
            Check(Table->SetInterOpNumThreads(pointer, options.InterOpThreads), "Setting inter-op threads");
            Check(Table->SetSessionGraphOptimizationLevel(pointer, (int)options.Optimization), "Setting graph optimization");
            return handle;
        }

        /// <summary>Appends the CUDA execution provider; ORT fails here when its CUDA provider library cannot be loaded.</summary>
        internal static void AppendCuda(SessionOptionsHandle options, int deviceId)
        {
            var cuda = new CudaProviderOptions
            {
                DeviceId = deviceId,
                GpuMemLimit = nuint.MaxValue,
                DoCopyInDefaultStream = 1,
            };
            nint status = Table->SessionOptionsAppendExecutionProvider_CUDA(options.Pointer, &cuda);
            if (status == 0)
            {
                return;
            }
            string context = $"The CUDA execution provider could not be added (device {deviceId}): ONNX Runtime could " +
                "not load its CUDA provider library (libonnxruntime_providers_cuda.so). This library is a CPU-only build, " +
                "or CUDA/cuDNN are not installed. Use a GPU build of ONNX Runtime or set UseCuda = false. ORT said";
            Check(status, context);
        }

        /// <summary>CreateSession from a file; on Linux ORTCHAR_T is char and the path is UTF-8.</summary>
        internal static SessionHandle CreateSession(EnvHandle env, MemoryInfoHandle memory, string modelPath,
            SessionOptionsHandle options)
        {
            var session = new SessionHandle();
            nint pointer;
            fixed (byte* path = PinnedUtf8(modelPath))
            {
                Check(Table->CreateSession(env.Pointer, path, options.Pointer, &pointer), $"Loading model '{modelPath}'");
            }
            Marshal.InitHandle(session, pointer);
            session.DependOn(env);
            session.DependOn(memory);
            return session;
        }

        internal static int InputCount(SessionHandle session)
        {
            nuint count;
            Check(Table->SessionGetInputCount(session.Pointer, &count));
            return checked((int)count);
        }

        internal static int OutputCount(SessionHandle session)
        {
            nuint count;
            Check(Table->SessionGetOutputCount(session.Pointer, &count));
            return checked((int)count);
        }

        /// <summary>Input or output name, allocated by ORT's default allocator and freed with it (AllocatorFree).</summary>
        internal static string GetName(SessionHandle session, int index, bool output)
        {
            nint allocator;
            Check(Table->GetAllocatorWithDefaultOptions(&allocator));
            byte* name;
            Check(output
                ? Table->SessionGetOutputName(session.Pointer, (nuint)index, allocator, &name)
                : Table->SessionGetInputName(session.Pointer, (nuint)index, allocator, &name));
            try
            {
                return Marshal.PtrToStringUTF8((nint)name) ?? string.Empty;
            }
            finally
            {
                Check(Table->AllocatorFree(allocator, name));
            }
        }

        /// <summary>Element type and shape (-1 = dynamic) of an input or output; non-tensors give Undefined and [].</summary>
        internal static (TensorElementType Type, long[] Shape) GetTypeAndShape(SessionHandle session, int index, bool output)
        {
            nint typeInfo;
            Check(output
                ? Table->SessionGetOutputTypeInfo(session.Pointer, (nuint)index, &typeInfo)
                : Table->SessionGetInputTypeInfo(session.Pointer, (nuint)index, &typeInfo));
            using TypeInfoHandle owned = Wrap<TypeInfoHandle>(typeInfo);
            nint tensorInfo; // owned by typeInfo, not released separately
            Check(Table->CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
            return tensorInfo == 0 ? (TensorElementType.Undefined, []) : ReadTypeAndShape(tensorInfo);
        }

        /// <summary>
        /// OrtApi::Run. Names and values are parallel arrays; <paramref name="outputs"/> must be zeroed and receives new
        /// OrtValues. ORT allows concurrent Run calls on one session, so nothing here serialises.
        /// </summary>
        internal static void Run(SessionHandle session, byte** inputNames, nint* inputs, int inputCount,
            byte** outputNames, nint* outputs, int outputCount, string errorContext)
        {
            bool added = false;
            session.DangerousAddRef(ref added);
            try
            {
                Check(Table->Run(session.Pointer, 0, inputNames, inputs, (nuint)inputCount,
                    outputNames, (nuint)outputCount, outputs), errorContext);
            }
            finally
            {
                session.DangerousRelease();
            }
        }
    }
}
