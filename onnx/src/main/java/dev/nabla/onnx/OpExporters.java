package dev.nabla.onnx;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Value;
import onnx.Onnx.TensorProto;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static dev.nabla.onnx.Protos.attr;
import static dev.nabla.onnx.Protos.longs;

/**
 * The ONNX form of every IR op (opset {@value OnnxExport#OPSET}), one entry per op; {@code OpExportersTest} checks
 * that every op has one and that every mapped op computes, under ONNX Runtime, what the reference interpreter does.
 * Ops ONNX has as they are map to one node; the rest are short compositions ({@code expm1}, {@code log1p},
 * comparisons that ONNX answers in booleans). Ops that never reach an inference graph, or whose results ONNX could
 * not reproduce, are {@link OpExporter.Unsupported}, which names the op and the model line.
 */
final class OpExporters {

    static final Map<Op, OpExporter> TABLE = new EnumMap<>(Op.class);

    private static final String GRADIENT_ONLY = "it only appears in gradients, and the export is the inference graph";
    private static final String RANDOM = "ONNX's RandomUniform and RandomNormal cannot reproduce Nabla's counter-based"
            + " streams, so the exported model would not compute what nabla predict does; draw only under"
            + " `if training` (as dropout does)";

    private static final String FUSED = "it is made by the fusion passes, which the export does not run (it exports the"
            + " inference graph after safer-forms only, OnnxExport.prepare)";

    static {
        for (Op op : Op.values()) {
            if (op.fused()) {
                TABLE.put(op, new OpExporter.Unsupported(FUSED));
            }
        }
        TABLE.put(Op.ADD, same("Add"));
        TABLE.put(Op.SUB, same("Sub"));
        TABLE.put(Op.MUL, same("Mul"));
        TABLE.put(Op.DIV, same("Div"));
        TABLE.put(Op.MAXIMUM, same("Max"));
        TABLE.put(Op.MINIMUM, same("Min"));
        TABLE.put(Op.POW, same("Pow"));
        TABLE.put(Op.GREATER, comparison("Greater"));
        TABLE.put(Op.EQUAL, comparison("Equal"));
        TABLE.put(Op.SELECT, OpExporters::select);
        TABLE.put(Op.NEG, same("Neg"));
        TABLE.put(Op.EXP, same("Exp"));
        TABLE.put(Op.LOG, same("Log"));
        TABLE.put(Op.SQRT, same("Sqrt"));
        TABLE.put(Op.ABS, same("Abs"));
        TABLE.put(Op.SIGN, same("Sign"));
        TABLE.put(Op.TANH, same("Tanh"));
        TABLE.put(Op.SIGMOID, same("Sigmoid"));
        TABLE.put(Op.RELU, same("Relu"));
        TABLE.put(Op.EXPM1, OpExporters::expm1);
        TABLE.put(Op.LOG1P, OpExporters::log1p);
        TABLE.put(Op.ERF, same("Erf"));
        TABLE.put(Op.MATMUL, same("MatMul"));
        TABLE.put(Op.MATMUL_TN, (i, g) -> g.node("MatMul", List.of(g.temp("transposed", "Transpose",
                List.of(g.tensor(i.args().get(0))), attr("perm", 1L, 0L)), g.tensor(i.args().get(1))), g.out(i)));
        TABLE.put(Op.CONV2D, (i, g) -> g.node("Conv", inputs(i, g), g.out(i), window((Attr.Window) i.attr(), true)));
        TABLE.put(Op.CONV2D_BACKWARD_INPUT, new OpExporter.Unsupported(GRADIENT_ONLY));
        TABLE.put(Op.CONV2D_BACKWARD_FILTER, new OpExporter.Unsupported(GRADIENT_ONLY));
        TABLE.put(Op.MAX_POOL2D, (i, g) -> g.node("MaxPool", inputs(i, g), g.out(i), window((Attr.Window) i.attr(), false)));
        TABLE.put(Op.MAX_POOL2D_BACKWARD, new OpExporter.Unsupported(GRADIENT_ONLY));
        TABLE.put(Op.MAX_POOL2D_GATHER, new OpExporter.Unsupported(GRADIENT_ONLY));
        TABLE.put(Op.AVG_POOL2D, OpExporters::avgPool);
        TABLE.put(Op.AVG_POOL2D_BACKWARD, new OpExporter.Unsupported(GRADIENT_ONLY));
        TABLE.put(Op.TRANSPOSE, (i, g) -> g.node("Transpose", inputs(i, g), g.out(i),
                attr("perm", longs(((Attr.Perm) i.attr()).perm()))));
        TABLE.put(Op.RESHAPE, OpExporters::reshape);
        TABLE.put(Op.BROADCAST, OpExporters::broadcast);
        TABLE.put(Op.SLICE, OpExporters::slice);
        TABLE.put(Op.PAD, OpExporters::pad);
        TABLE.put(Op.SUM, OpExporters::sum);
        TABLE.put(Op.MEAN, reduction("ReduceMean"));
        TABLE.put(Op.MAX, reduction("ReduceMax"));
        TABLE.put(Op.SOFTMAX, alongAxis("Softmax"));
        TABLE.put(Op.LOG_SOFTMAX, alongAxis("LogSoftmax"));
        TABLE.put(Op.ONE_HOT, OpExporters::oneHot);
        TABLE.put(Op.CONSTANT, OpExporters::constant);
        TABLE.put(Op.RANDOM_UNIFORM, new OpExporter.Unsupported(RANDOM));
        TABLE.put(Op.RANDOM_NORMAL, new OpExporter.Unsupported(RANDOM));
    }

    private OpExporters() {
    }

    private static List<String> inputs(Instr i, OnnxGraph g) {
        return i.args().stream().map(g::tensor).toList();
    }

    private static String arg(Instr i, OnnxGraph g, int k) {
        return g.tensor(i.args().get(k));
    }

    /** An ONNX op of the same operands and meaning (elementwise ops broadcast as NumPy does, in both). */
    private static OpExporter same(String onnxOp) {
        return (i, g) -> g.node(onnxOp, inputs(i, g), g.out(i));
    }

    /** ONNX compares into booleans; Nabla's comparisons are 1.0 or 0.0. */
    private static OpExporter comparison(String onnxOp) {
        return (i, g) -> g.node("Cast", List.of(g.temp(g.out(i) + ".bool", onnxOp, inputs(i, g))), g.out(i),
                attr("to", (long) TensorProto.DataType.FLOAT.getNumber()));
    }

    /** select(c, a, b) is a where c != 0, as a cast to boolean reads c. */
    private static void select(Instr i, OnnxGraph g) {
        String cond = g.temp(g.out(i) + ".cond", "Cast", List.of(arg(i, g, 0)),
                attr("to", (long) TensorProto.DataType.BOOL.getNumber()));
        g.node("Where", List.of(cond, arg(i, g, 1), arg(i, g, 2)), g.out(i));
    }

    /**
     * exp(x) - 1 without the cancellation near 0 (ONNX has no expm1): 2t / (1 - t) with t = tanh(x / 2) where
     * |x| &lt; 1, which is exact algebra and loses nothing since 1 - t is near 1 there, and exp(x) - 1 elsewhere.
     */
    private static void expm1(Instr i, OnnxGraph g) {
        String x = arg(i, g, 0);
        String one = g.scalar(1f);
        String t = g.temp(x + ".tanh", "Tanh", List.of(g.temp(x + ".half", "Mul", List.of(x, g.scalar(0.5f)))));
        String near = g.temp(x + ".expm1_near", "Div", List.of(g.temp(x + ".twice", "Add", List.of(t, t)),
                g.temp(x + ".one_minus", "Sub", List.of(one, t))));
        String far = g.temp(x + ".expm1_far", "Sub", List.of(g.temp(x + ".exp", "Exp", List.of(x)), one));
        String small = g.temp(x + ".small", "Less", List.of(g.temp(x + ".abs", "Abs", List.of(x)), one));
        g.node("Where", List.of(small, near, far), g.out(i));
    }

    /**
     * log(1 + x) without the rounding of 1 + x (ONNX has no log1p): with u = 1 + x rounded, log(u) * x / (u - 1)
     * (Goldberg's correction: the rounding error of u cancels in the ratio), and x itself where u rounds to 1.
     */
    private static void log1p(Instr i, OnnxGraph g) {
        String x = arg(i, g, 0);
        String one = g.scalar(1f);
        String u = g.temp(x + ".one_plus", "Add", List.of(one, x));
        String ratio = g.temp(x + ".ratio", "Div", List.of(x, g.temp(x + ".u_minus_one", "Sub", List.of(u, one))));
        String corrected = g.temp(x + ".log1p", "Mul", List.of(g.temp(x + ".log", "Log", List.of(u)), ratio));
        String tiny = g.temp(x + ".tiny", "Equal", List.of(u, one));
        g.node("Where", List.of(tiny, x, corrected), g.out(i));
    }

    /**
     * Window, stride, padding (top, left, bottom, right: ONNX's begins, then ends) and, for convolutions, dilation
     * (pooling has none: its shape rule refuses one, and AveragePool only takes one from opset 19).
     */
    private static onnx.Onnx.AttributeProto[] window(Attr.Window w, boolean dilations) {
        List<onnx.Onnx.AttributeProto> a = new ArrayList<>(List.of(attr("kernel_shape", w.kh(), w.kw()),
                attr("strides", w.sh(), w.sw()), attr("pads", w.padTop(), w.padLeft(), w.padBottom(), w.padRight())));
        if (dilations) {
            a.add(attr("dilations", w.dh(), w.dw()));
        }
        return a.toArray(new onnx.Onnx.AttributeProto[0]);
    }

    /** Padding counts in each window's mean, as PyTorch's count_include_pad = true. */
    private static void avgPool(Instr i, OnnxGraph g) {
        List<onnx.Onnx.AttributeProto> a = new ArrayList<>(List.of(window((Attr.Window) i.attr(), false)));
        a.add(attr("count_include_pad", 1L));
        g.node("AveragePool", inputs(i, g), g.out(i), a.toArray(new onnx.Onnx.AttributeProto[0]));
    }

    /** The target shape with -1 for B, which ONNX infers from the element count. */
    private static void reshape(Instr i, OnnxGraph g) {
        long[] dims = ((Attr.To) i.attr()).shape().dims().stream().mapToLong(d -> d == Shape.BATCH ? -1 : d).toArray();
        g.node("Reshape", List.of(arg(i, g, 0), g.int64s(g.out(i) + ".shape", dims)), g.out(i));
    }

    /** Expand broadcasts both ways: a batched operand keeps its B under a 1; otherwise B is read from the inputs. */
    private static void broadcast(Instr i, OnnxGraph g) {
        Shape to = ((Attr.To) i.attr()).shape();
        Shape from = i.args().get(0).shape();
        String shape = to.batched() && from.batched() && from.rank() == to.rank()
                ? g.int64s(g.out(i) + ".shape", to.dims().stream().mapToLong(d -> d == Shape.BATCH ? 1 : d).toArray())
                : g.shape(to);
        g.node("Expand", List.of(arg(i, g, 0), shape), g.out(i));
    }

    /** The box of the region on every axis but the batch axis (whose offset is always 0 and extent B). */
    private static void slice(Instr i, OnnxGraph g) {
        Attr.Region r = (Attr.Region) i.attr();
        int first = r.to().batched() ? 1 : 0;
        int n = r.to().rank() - first;
        if (n == 0) {
            g.node("Identity", inputs(i, g), g.out(i));
            return;
        }
        long[] starts = new long[n];
        long[] ends = new long[n];
        long[] axes = new long[n];
        for (int k = 0; k < n; k++) {
            int axis = first + k;
            starts[k] = r.offset().get(axis);
            ends[k] = starts[k] + r.to().dim(axis);
            axes[k] = axis;
        }
        String out = g.out(i);
        g.node("Slice", List.of(arg(i, g, 0), g.int64s(out + ".starts", starts), g.int64s(out + ".ends", ends),
                g.int64s(out + ".axes", axes)), out);
    }

    /** Zeros before ({@code offset}) and after ({@code to - offset - from}) the operand on each axis. */
    private static void pad(Instr i, OnnxGraph g) {
        Attr.Region r = (Attr.Region) i.attr();
        Shape from = i.args().get(0).shape();
        int rank = from.rank();
        long[] pads = new long[2 * rank];
        for (int axis = 0; axis < rank; axis++) {
            if (from.dim(axis) != Shape.BATCH) {
                pads[axis] = r.offset().get(axis);
                pads[rank + axis] = r.to().dim(axis) - r.offset().get(axis) - from.dim(axis);
            }
        }
        g.node("Pad", List.of(arg(i, g, 0), g.int64s(g.out(i) + ".pads", pads)), g.out(i));
    }

    /** ReduceSum takes its axes as an input since opset 13. */
    private static void sum(Instr i, OnnxGraph g) {
        Attr.Axes a = (Attr.Axes) i.attr();
        if (a.axes().isEmpty()) {
            g.node("Identity", inputs(i, g), g.out(i));
            return;
        }
        g.node("ReduceSum", List.of(arg(i, g, 0), g.int64s(g.out(i) + ".axes", longs(a.axes()))), g.out(i),
                attr("keepdims", a.keepDims() ? 1L : 0L));
    }

    /** ReduceMean and ReduceMax take their axes as an attribute until opset 18. */
    private static OpExporter reduction(String onnxOp) {
        return (i, g) -> {
            Attr.Axes a = (Attr.Axes) i.attr();
            if (a.axes().isEmpty()) {
                g.node("Identity", inputs(i, g), g.out(i));
                return;
            }
            g.node(onnxOp, inputs(i, g), g.out(i), attr("axes", longs(a.axes())), attr("keepdims", a.keepDims() ? 1L : 0L));
        };
    }

    private static OpExporter alongAxis(String onnxOp) {
        return (i, g) -> g.node(onnxOp, inputs(i, g), g.out(i), attr("axis", (long) ((Attr.Axis) i.attr()).axis()));
    }

    /** Integer labels to rows of 0.0 and 1.0 along a new last axis; ONNX Runtime's OneHot reads int64 labels. */
    private static void oneHot(Instr i, OnnxGraph g) {
        String out = g.out(i);
        String labels = g.temp(out + ".labels", "Cast", List.of(arg(i, g, 0)),
                attr("to", (long) TensorProto.DataType.INT64.getNumber()));
        String depth = g.int64s(out + ".depth", ((Attr.Depth) i.attr()).depth());
        String values = g.floats(out + ".values", new long[] {2}, new float[] {0f, 1f});
        g.node("OneHot", List.of(labels, depth, values), out, attr("axis", -1L));
    }

    /** A scalar is a Constant node; a tensor of one value, ConstantOfShape (with B read from the inputs). */
    private static void constant(Instr i, OnnxGraph g) {
        Value out = i.out();
        double value = ((Attr.Const) i.attr()).value();
        if (out.shape().isScalar()) {
            g.node("Constant", List.of(), g.out(i), attr("value", Protos.one(out.dtype(), value, false)));
        } else {
            g.node("ConstantOfShape", List.of(g.shape(out.shape())), g.out(i), attr("value", Protos.one(out.dtype(), value, true)));
        }
    }
}
