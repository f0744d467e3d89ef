package dev.nabla.onnx;

import com.google.protobuf.ByteString;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.TensorType;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small constructors of ONNX protobuf messages: tensors, attributes and typed value declarations. */
final class Protos {

    /** The name of the symbolic batch dimension in the exported model's inputs and outputs. */
    static final String BATCH = "B";

    private Protos() {
    }

    static TensorProto.DataType elementType(DType t) {
        return switch (t) {
            case F32 -> TensorProto.DataType.FLOAT;
            case I32 -> TensorProto.DataType.INT32;
        };
    }

    /** A float tensor stored as little-endian raw bytes, as ONNX specifies {@code raw_data}. */
    static TensorProto floats(String name, long[] dims, float[] data) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A 1-D int64 tensor (shapes, axes, indices of Slice and Pad). */
    static TensorProto int64s(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /** A tensor of one element and rank 0 (the value of Constant) or rank 1 (of ConstantOfShape). */
    static TensorProto one(DType type, double value, boolean rank1) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(elementType(type).getNumber());
        if (rank1) {
            t.addDims(1);
        }
        if (type == DType.F32) {
            t.addFloatData((float) value);
        } else {
            t.addInt32Data((int) value);
        }
        return t.build();
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto attr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto attr(String name, TensorProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value).build();
    }

    static long[] longs(java.util.List<Integer> values) {
        return values.stream().mapToLong(Integer::longValue).toArray();
    }

    /** A graph input's or output's declaration: element type and shape, the batch axis named {@link #BATCH}. */
    static ValueInfoProto valueInfo(String name, TensorType type) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : type.shape().dims()) {
            shape.addDim(d == Shape.BATCH ? TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(elementType(type.dtype()).getNumber())
                .setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
