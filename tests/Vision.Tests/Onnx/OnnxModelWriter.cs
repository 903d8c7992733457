using System.Text;

namespace FaceAspire.Vision.Tests.Onnx;

/// <summary>
/// Writes small ONNX models by hand-encoding the protobuf messages of onnx/onnx.proto (field numbers cited inline),
/// so the tests need no model files and no protobuf library. Only what the tests use: float tensors, initializers,
/// nodes without attributes, fixed or symbolic dimensions.
/// </summary>
internal static class OnnxModelWriter
{
    /// <summary>A graph input or output: element type 1 = FLOAT, 7 = INT64; a null dim is symbolic (dim_param).</summary>
    internal sealed record Value(string Name, int ElementType, params string?[] Dims);

    internal sealed record Node(string OpType, string[] Inputs, string[] Outputs);

    internal sealed record Initializer(string Name, long[] Dims, float[] Data);

    /// <summary>A ModelProto with ir_version 7 and the default-domain opset 13.</summary>
    internal static byte[] Model(string graphName, Node[] nodes, Initializer[] initializers, Value[] inputs, Value[] outputs)
    {
        var graph = new Proto();
        foreach (Node node in nodes)
        {
            graph.Message(1, NodeProto(node));                  // GraphProto.node
        }
        graph.String(2, graphName);                             // GraphProto.name
        foreach (Initializer init in initializers)
        {
            graph.Message(5, TensorProto(init));                // GraphProto.initializer
        }
        foreach (Value input in inputs)
        {
            graph.Message(11, ValueInfo(input));                // GraphProto.input
        }
        foreach (Value output in outputs)
        {
            graph.Message(12, ValueInfo(output));               // GraphProto.output
        }

        var opset = new Proto();
        opset.String(1, string.Empty);                          // OperatorSetIdProto.domain ("" = ai.onnx)
        opset.Varint(2, 13);                                    // OperatorSetIdProto.version

        var model = new Proto();
        model.Varint(1, 7);                                     // ModelProto.ir_version
        model.String(2, "FaceAspire.Vision.Tests");             // ModelProto.producer_name
        model.Message(7, graph);                                // ModelProto.graph
        model.Message(8, opset);                                // ModelProto.opset_import
        return model.ToArray();
    }

    private static Proto NodeProto(Node node)
    {
        var proto = new Proto();
        foreach (string input in node.Inputs)
        {
            proto.String(1, input);                             // NodeProto.input
        }
        foreach (string output in node.Outputs)
        {
            proto.String(2, output);                            // NodeProto.output
        }
        proto.String(3, node.Outputs[0] + "_node");             // NodeProto.name
        proto.String(4, node.OpType);                           // NodeProto.op_type
        return proto;
    }

    private static Proto TensorProto(Initializer init)
    {
        var proto = new Proto();
        foreach (long dim in init.Dims)
        {
            proto.Varint(1, (ulong)dim);                        // TensorProto.dims
        }
        proto.Varint(2, 1);                                     // TensorProto.data_type = FLOAT
        proto.String(8, init.Name);                             // TensorProto.name
        byte[] raw = new byte[init.Data.Length * sizeof(float)];
        Buffer.BlockCopy(init.Data, 0, raw, 0, raw.Length);     // little-endian, as raw_data requires
        proto.Bytes(9, raw);                                    // TensorProto.raw_data
        return proto;
    }

    private static Proto ValueInfo(Value value)
    {
        var shape = new Proto();
        foreach (string? dim in value.Dims)
        {
            var dimension = new Proto();
            if (dim is not null && long.TryParse(dim, out long fixedSize))
            {
                dimension.Varint(1, (ulong)fixedSize);          // Dimension.dim_value
            }
            else
            {
                dimension.String(2, dim ?? "N");                // Dimension.dim_param
            }
            shape.Message(1, dimension);                        // TensorShapeProto.dim
        }
        var tensorType = new Proto();
        tensorType.Varint(1, (ulong)value.ElementType);         // TypeProto.Tensor.elem_type
        tensorType.Message(2, shape);                           // TypeProto.Tensor.shape
        var type = new Proto();
        type.Message(1, tensorType);                            // TypeProto.tensor_type
        var info = new Proto();
        info.String(1, value.Name);                             // ValueInfoProto.name
        info.Message(2, type);                                  // ValueInfoProto.type
        return info;
    }

    /// <summary>Protobuf wire format: varints (wire type 0) and length-delimited fields (wire type 2).</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _stream = new();

        public void Varint(int field, ulong value)
        {
            WriteVarint((ulong)field << 3);
            WriteVarint(value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, Proto message) => Bytes(field, message.ToArray());

        public void Bytes(int field, byte[] value)
        {
            WriteVarint(((ulong)field << 3) | 2);
            WriteVarint((ulong)value.Length);
            _stream.Write(value);
        }

        public byte[] ToArray() => _stream.ToArray();

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _stream.WriteByte((byte)value);
        }
    }
}
