using System.Runtime.InteropServices;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision;

internal static unsafe partial class Interop
{
    internal static partial class OnnxRuntime
    {
        /// <summary>
        /// An OrtValue over caller memory (no copy). The memory must stay pinned and alive until the value is released;
        /// callers keep both inside one fixed/pin scope.
        /// </summary>
        internal static ValueHandle CreateTensor(MemoryInfoHandle memoryInfo, float* data, int length, long* shape, int rank)
        {
            var value = new ValueHandle();
            nint pointer;
            float placeholder = 0; // ORT rejects a null data pointer even for a zero-element tensor
            float* buffer = data != null ? data : &placeholder;
            long scalarShape = 0; // a scalar has rank 0; give ORT a valid pointer all the same
            shape = shape != null ? shape : &scalarShape;
            Check(Table->CreateTensorWithDataAsOrtValue(memoryInfo.Pointer, buffer, (nuint)length * sizeof(float),
                shape, (nuint)rank, (int)TensorElementType.Float, &pointer), "Creating an input tensor");
            Marshal.InitHandle(value, pointer);
            return value;
        }

        /// <summary>Element type, shape and data address of a tensor OrtValue; the address lives as long as the value.</summary>
        internal static (TensorElementType Type, long[] Shape, nint Data, long Count) DescribeTensor(nint value)
        {
            nint info;
            Check(Table->GetTensorTypeAndShape(value, &info), "Reading an output tensor");
            using TensorTypeAndShapeInfoHandle owned = Wrap<TensorTypeAndShapeInfoHandle>(info);
            (TensorElementType type, long[] shape) = ReadTypeAndShape(info);
            nuint count;
            Check(Table->GetTensorShapeElementCount(info, &count));
            void* data;
            Check(Table->GetTensorMutableData(value, &data), "Reading an output tensor");
            return (type, shape, (nint)data, checked((long)count));
        }

        internal static (TensorElementType Type, long[] Shape) ReadTypeAndShape(nint tensorInfo)
        {
            int type;
            Check(Table->GetTensorElementType(tensorInfo, &type));
            nuint rank;
            Check(Table->GetDimensionsCount(tensorInfo, &rank));
            long[] shape = new long[(int)rank];
            if (rank == 0)
            {
                return ((TensorElementType)type, shape);
            }
            fixed (long* dims = shape)
            {
                Check(Table->GetDimensions(tensorInfo, dims, rank));
            }
            return ((TensorElementType)type, shape);
        }
    }
}
