namespace FaceAspire.Vision.Onnx;

/// <summary>
/// ONNX Runtime's error codes (OrtErrorCode in onnxruntime_c_api.h). Libraries newer than that header may return
/// further values; they pass through as their numbers.
/// </summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    EpFail = 11,
}

/// <summary>
/// A failure reported by ONNX Runtime through an OrtStatus: a corrupt model, an input of the wrong shape or type,
/// an execution provider that cannot be loaded. <see cref="Exception.Message"/> holds ORT's own message, prefixed by
/// what we were doing (e.g. "Loading model 'x.onnx': ..."). Callers treat it as a bad model or bad input, not as a
/// transient fault: retrying the same call fails the same way.
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    internal OnnxRuntimeException(OrtErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>ORT's error code for the failure.</summary>
    public OrtErrorCode Code { get; }
}
