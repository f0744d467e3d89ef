package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Evaluates a single instruction on concrete tensors through a one-instruction graph. */
final class OneOp {

    private OneOp() {
    }

    static Tensor eval(Op op, Attr attr, Tensor... args) {
        return eval(op, attr, DType.F32, args);
    }

    /** {@code firstType} is the element type of the first operand (I32 for one_hot labels). */
    static Tensor eval(Op op, Attr attr, DType firstType, Tensor... args) {
        GraphBuilder b = new GraphBuilder("one");
        List<Value> values = new ArrayList<>();
        Map<String, Tensor> feed = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            DType dt = i == 0 ? firstType : DType.F32;
            Value v = b.input("a" + i, new TensorType(dt, Shape.of(args[i].shape())), Graph.InputRole.INPUT, null, Span.NONE);
            values.add(v);
            feed.put(v.name(), args[i]);
        }
        Value out = b.add(op, values, attr, Span.NONE, "r");
        b.output("r", out, Graph.OutputRole.OUTPUT);
        return Interpreter.run(b.build(), 1, feed).get("r");
    }

    static Tensor t(int[] shape, double... data) {
        return new Tensor(shape, data);
    }

    static int[] s(int... dims) {
        return dims;
    }
}
