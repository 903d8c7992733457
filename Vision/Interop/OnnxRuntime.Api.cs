using System.Runtime.InteropServices;

namespace FaceAspire.Vision;

internal static unsafe partial class Interop
{
    internal static partial class OnnxRuntime
    {
        /// <summary>The only exported symbol of libonnxruntime; everything else is reached through its tables.</summary>
        internal const string GetApiBaseExport = "OrtGetApiBase";

        /// <summary>
        /// The OrtApi version we request. 13 is the version of the onnxruntime_c_api.h we mirror
        /// (microsoft/onnxruntime, include/onnxruntime/core/session/onnxruntime_c_api.h, ORT_API_VERSION 13).
        /// ORT only appends entries to OrtApi, so the 1.30 library serves this prefix unchanged (it accepts 1..30).
        /// </summary>
        internal const uint ApiVersion = 13;

        /// <summary>struct OrtApiBase: GetApi(version) and GetVersionString().</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct ApiBase
        {
            public delegate* unmanaged[Cdecl]<uint, Api*> GetApi;
            public delegate* unmanaged[Cdecl]<byte*> GetVersionString;
        }

        /// <summary>
        /// struct OrtApi, entry for entry in header order (index in the comment). Entries we do not call are kept as
        /// <c>nint</c> so the offsets of the ones we do call stay right; an off-by-one here calls the wrong function.
        /// The table continues after entry 152 in the header and in newer libraries; we simply stop reading there.
        /// Every function returning OrtStatus* returns <c>nint</c>: null on success, else a status to release.
        /// </summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Api
        {
            /* 0 */ public nint CreateStatus;
            /* 1 */ public delegate* unmanaged[Cdecl]<nint, int> GetErrorCode;
            /* 2 */ public delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage;
            /* 3 */ public nint CreateEnv;
            /* 4 */ public delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<nint, int, byte*, byte*, byte*, byte*, void>, nint, int, byte*, nint*, nint> CreateEnvWithCustomLogger;
            /* 5 */ public nint EnableTelemetryEvents;
            /* 6 */ public nint DisableTelemetryEvents;
            /* 7 */ public delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;
            /* 8 */ public nint CreateSessionFromArray;
            /* 9 */ public delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;
            /* 10 */ public delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;
            /* 11 */ public nint SetOptimizedModelFilePath;
            /* 12 */ public nint CloneSessionOptions;
            /* 13 */ public nint SetSessionExecutionMode;
            /* 14 */ public nint EnableProfiling;
            /* 15 */ public nint DisableProfiling;
            /* 16 */ public nint EnableMemPattern;
            /* 17 */ public nint DisableMemPattern;
            /* 18 */ public nint EnableCpuMemArena;
            /* 19 */ public nint DisableCpuMemArena;
            /* 20 */ public nint SetSessionLogId;
            /* 21 */ public nint SetSessionLogVerbosityLevel;
            /* 22 */ public nint SetSessionLogSeverityLevel;
            /* 23 */ public delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;
            /* 24 */ public delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;
            /* 25 */ public delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;
            /* 26 */ public nint CreateCustomOpDomain;
            /* 27 */ public nint CustomOpDomain_Add;
            /* 28 */ public nint AddCustomOpDomain;
            /* 29 */ public nint RegisterCustomOpsLibrary;
            /* 30 */ public delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;
            /* 31 */ public delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;
            /* 32 */ public nint SessionGetOverridableInitializerCount;
            /* 33 */ public delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
            /* 34 */ public delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
            /* 35 */ public nint SessionGetOverridableInitializerTypeInfo;
            /* 36 */ public delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;
            /* 37 */ public delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;
            /* 38 */ public nint SessionGetOverridableInitializerName;
            /* 39 */ public nint CreateRunOptions;
            /* 40 */ public nint RunOptionsSetRunLogVerbosityLevel;
            /* 41 */ public nint RunOptionsSetRunLogSeverityLevel;
            /* 42 */ public nint RunOptionsSetRunTag;
            /* 43 */ public nint RunOptionsGetRunLogVerbosityLevel;
            /* 44 */ public nint RunOptionsGetRunLogSeverityLevel;
            /* 45 */ public nint RunOptionsGetRunTag;
            /* 46 */ public nint RunOptionsSetTerminate;
            /* 47 */ public nint RunOptionsUnsetTerminate;
            /* 48 */ public nint CreateTensorAsOrtValue;
            /* 49 */ public delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
            /* 50 */ public nint IsTensor;
            /* 51 */ public delegate* unmanaged[Cdecl]<nint, void**, nint> GetTensorMutableData;
            /* 52 */ public nint FillStringTensor;
            /* 53 */ public nint GetStringTensorDataLength;
            /* 54 */ public nint GetStringTensorContent;
            /* 55 */ public delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;
            /* 56 */ public nint GetOnnxTypeFromTypeInfo;
            /* 57 */ public nint CreateTensorTypeAndShapeInfo;
            /* 58 */ public nint SetTensorElementType;
            /* 59 */ public nint SetDimensions;
            /* 60 */ public delegate* unmanaged[Cdecl]<nint, int*, nint> GetTensorElementType;
            /* 61 */ public delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;
            /* 62 */ public delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;
            /* 63 */ public nint GetSymbolicDimensions;
            /* 64 */ public delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetTensorShapeElementCount;
            /* 65 */ public delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape;
            /* 66 */ public nint GetTypeInfo;
            /* 67 */ public nint GetValueType;
            /* 68 */ public nint CreateMemoryInfo;
            /* 69 */ public delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;
            /* 70 */ public nint CompareMemoryInfo;
            /* 71 */ public nint MemoryInfoGetName;
            /* 72 */ public nint MemoryInfoGetId;
            /* 73 */ public nint MemoryInfoGetMemType;
            /* 74 */ public nint MemoryInfoGetType;
            /* 75 */ public nint AllocatorAlloc;
            /* 76 */ public delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;
            /* 77 */ public nint AllocatorGetInfo;
            /* 78 */ public delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;
            /* 79 */ public nint AddFreeDimensionOverride;
            /* 80 */ public nint GetValue;
            /* 81 */ public nint GetValueCount;
            /* 82 */ public nint CreateValue;
            /* 83 */ public nint CreateOpaqueValue;
            /* 84 */ public nint GetOpaqueValue;
            /* 85 */ public nint KernelInfoGetAttribute_float;
            /* 86 */ public nint KernelInfoGetAttribute_int64;
            /* 87 */ public nint KernelInfoGetAttribute_string;
            /* 88 */ public nint KernelContext_GetInputCount;
            /* 89 */ public nint KernelContext_GetOutputCount;
            /* 90 */ public nint KernelContext_GetInput;
            /* 91 */ public nint KernelContext_GetOutput;
            /* 92 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;
            /* 93 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus;
            /* 94 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;
            /* 95 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;
            /* 96 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseValue;
            /* 97 */ public nint ReleaseRunOptions;
            /* 98 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;
            /* 99 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo;
            /* 100 */ public delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;
            /* 101 */ public nint ReleaseCustomOpDomain;
            /* 102 */ public nint GetDenotationFromTypeInfo;
            /* 103 */ public nint CastTypeInfoToMapTypeInfo;
            /* 104 */ public nint CastTypeInfoToSequenceTypeInfo;
            /* 105 */ public nint GetMapKeyType;
            /* 106 */ public nint GetMapValueType;
            /* 107 */ public nint GetSequenceElementType;
            /* 108 */ public nint ReleaseMapTypeInfo;
            /* 109 */ public nint ReleaseSequenceTypeInfo;
            /* 110 */ public nint SessionEndProfiling;
            /* 111 */ public nint SessionGetModelMetadata;
            /* 112 */ public nint ModelMetadataGetProducerName;
            /* 113 */ public nint ModelMetadataGetGraphName;
            /* 114 */ public nint ModelMetadataGetDomain;
            /* 115 */ public nint ModelMetadataGetDescription;
            /* 116 */ public nint ModelMetadataLookupCustomMetadataMap;
            /* 117 */ public nint ModelMetadataGetVersion;
            /* 118 */ public nint ReleaseModelMetadata;
            /* 119 */ public nint CreateEnvWithGlobalThreadPools;
            /* 120 */ public nint DisablePerSessionThreads;
            /* 121 */ public nint CreateThreadingOptions;
            /* 122 */ public nint ReleaseThreadingOptions;
            /* 123 */ public nint ModelMetadataGetCustomMetadataMapKeys;
            /* 124 */ public nint AddFreeDimensionOverrideByName;
            /* 125 */ public delegate* unmanaged[Cdecl]<byte***, int*, nint> GetAvailableProviders;
            /* 126 */ public delegate* unmanaged[Cdecl]<byte**, int, nint> ReleaseAvailableProviders;
            /* 127 */ public nint GetStringTensorElementLength;
            /* 128 */ public nint GetStringTensorElement;
            /* 129 */ public nint FillStringTensorElement;
            /* 130 */ public nint AddSessionConfigEntry;
            /* 131 */ public nint CreateAllocator;
            /* 132 */ public nint ReleaseAllocator;
            /* 133 */ public nint RunWithBinding;
            /* 134 */ public nint CreateIoBinding;
            /* 135 */ public nint ReleaseIoBinding;
            /* 136 */ public nint BindInput;
            /* 137 */ public nint BindOutput;
            /* 138 */ public nint BindOutputToDevice;
            /* 139 */ public nint GetBoundOutputNames;
            /* 140 */ public nint GetBoundOutputValues;
            /* 141 */ public nint ClearBoundInputs;
            /* 142 */ public nint ClearBoundOutputs;
            /* 143 */ public nint TensorAt;
            /* 144 */ public nint CreateAndRegisterAllocator;
            /* 145 */ public nint SetLanguageProjection;
            /* 146 */ public nint SessionGetProfilingStartTimeNs;
            /* 147 */ public nint SetGlobalIntraOpNumThreads;
            /* 148 */ public nint SetGlobalInterOpNumThreads;
            /* 149 */ public nint SetGlobalSpinControl;
            /* 150 */ public nint AddInitializer;
            /* 151 */ public nint CreateEnvWithCustomLoggerAndGlobalThreadPools;
            /* 152 */ public delegate* unmanaged[Cdecl]<nint, CudaProviderOptions*, nint> SessionOptionsAppendExecutionProvider_CUDA;
        }

        /// <summary>struct OrtCUDAProviderOptions (the legacy v1 struct taken by entry 152).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct CudaProviderOptions
        {
            public int DeviceId;
            public int CudnnConvAlgoSearch;     // OrtCudnnConvAlgoSearchExhaustive = 0, the C++ default
            public nuint GpuMemLimit;           // SIZE_MAX = no limit
            public int ArenaExtendStrategy;
            public int DoCopyInDefaultStream;   // 1, the C++ default
            public int HasUserComputeStream;
            public nint UserComputeStream;
            public nint DefaultMemoryArenaCfg;
        }

        // ONNX Runtime enum values used below (onnxruntime_c_api.h).
        internal const int OrtDeviceAllocator = 0;
        internal const int OrtMemTypeDefault = 0;
        internal const int OrtLoggingLevelVerbose = 0, OrtLoggingLevelInfo = 1, OrtLoggingLevelWarning = 2,
            OrtLoggingLevelError = 3, OrtLoggingLevelFatal = 4;
    }
}
