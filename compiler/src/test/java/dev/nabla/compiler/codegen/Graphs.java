package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.InitSpec;
import dev.nabla.runtime.TrainConfig;

import java.util.List;
import java.util.Map;

/** Hand-built test models: graphs written with GraphBuilder, gradients derived by hand. */
final class Graphs {

    static final String FILE = "mlp.nabla";
    static final int IN = 5;
    static final int HIDDEN = 40;
    static final int CLASSES = 3;
    static final double LAMBDA = 1e-2;

    private Graphs() {
    }

    static Span line(int n) {
        return Span.at("models/" + FILE, n, 5);
    }

    /** An MLP x -> dense+relu -> dense -> softmax cross-entropy + L2 on weights; both graphs and the gradients. */
    static ModelIr mlp(boolean withGrads) {
        Graph train = mlpGraph("Mlp.train", true, withGrads);
        Graph inference = mlpGraph("Mlp.inference", false, false);
        return new ModelIr("Mlp", "models/" + FILE, train, inference, TrainConfig.EMPTY, Map.of("y", CLASSES));
    }

    private static Graph mlpGraph(String name, boolean training, boolean grads) {
        GraphBuilder b = new GraphBuilder(name);
        Value x = b.input("x", TensorType.f32(Shape.BATCH, IN), Graph.InputRole.INPUT, null, line(2));
        Value y = training ? b.input("y", new TensorType(DType.I32, Shape.of(Shape.BATCH)), Graph.InputRole.TARGET, null, line(3)) : null;
        Value w1 = b.input("h.W", TensorType.f32(IN, HIDDEN), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.HE_UNIFORM), line(5));
        Value b1 = b.input("h.b", TensorType.f32(HIDDEN), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ZEROS), line(5));
        Value w2 = b.input("out.W", TensorType.f32(HIDDEN, CLASSES), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.HE_UNIFORM), line(6));
        Value b2 = b.input("out.b", TensorType.f32(CLASSES), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ZEROS), line(6));
        Value a1 = b.add(Op.ADD, line(5), "h.a", b.add(Op.MATMUL, line(5), "h.mm", x, w1), b1);
        Value h = b.add(Op.RELU, line(5), "h", a1);
        Value logits = b.add(Op.ADD, line(6), "logits", b.add(Op.MATMUL, line(6), "out.mm", h, w2), b2);
        Value probs = b.add(Op.SOFTMAX, List.of(logits), new Attr.Axis(1), line(7), "probs");
        b.output("probs", probs, Graph.OutputRole.OUTPUT);
        if (!training) {
            return b.build();
        }
        Value lsm = b.add(Op.LOG_SOFTMAX, List.of(logits), new Attr.Axis(1), line(9), "lsm");
        Value oh = b.add(Op.ONE_HOT, List.of(y), new Attr.Depth(CLASSES), line(9), "oh");
        Value rows = b.add(Op.SUM, List.of(b.add(Op.MUL, line(9), "picked", oh, lsm)), new Attr.Axes(List.of(1), false), line(9), "rows");
        Value ce = b.add(Op.NEG, line(9), "ce", b.add(Op.MEAN, List.of(rows), new Attr.Axes(List.of(0), false), line(9), "mean"));
        Value l2 = b.add(Op.ADD, line(9), "l2",
                sumAll(b, b.add(Op.MUL, line(9), "sq1", w1, w1)), sumAll(b, b.add(Op.MUL, line(9), "sq2", w2, w2)));
        Value loss = b.add(Op.ADD, line(9), "loss", ce, b.add(Op.MUL, line(9), "reg", b.constant(LAMBDA / 2, Shape.SCALAR, line(9)), l2));
        b.output("loss", loss, Graph.OutputRole.LOSS);
        if (grads) {
            backward(b, x, oh, probs, h, a1, w1, w2, b1, b2);
        }
        return b.build();
    }

    private static Value sumAll(GraphBuilder b, Value v) {
        return b.add(Op.SUM, List.of(v), new Attr.Axes(List.of(0, 1), false), line(9), "s");
    }

    /** Gradients by hand; weight gradients as sum over the batch of outer products (x^T g without a transpose of B). */
    private static void backward(GraphBuilder b, Value x, Value oh, Value probs, Value h, Value a1,
                                 Value w1, Value w2, Value b1, Value b2) {
        Span s = line(9).inGradient();
        Value count = b.add(Op.SUM, List.of(b.constant(1, Shape.of(Shape.BATCH, 1), s)), new Attr.Axes(List.of(0, 1), false), s, "n");
        Value dlogits = b.add(Op.DIV, s, "dlogits", b.add(Op.SUB, s, "d", probs, oh), count);
        Value lam = b.constant(LAMBDA, Shape.SCALAR, s);
        b.output("out.W", b.add(Op.ADD, s, "dW2", outer(b, h, dlogits, s), b.add(Op.MUL, s, "r2", lam, w2)), Graph.OutputRole.GRAD);
        b.output("out.b", b.add(Op.SUM, List.of(dlogits), new Attr.Axes(List.of(0), false), s, "db2"), Graph.OutputRole.GRAD);
        Value w2t = b.add(Op.TRANSPOSE, List.of(w2), new Attr.Perm(List.of(1, 0)), s, "w2t");
        Value dh = b.add(Op.MATMUL, s, "dh", dlogits, w2t);
        Value da1 = b.add(Op.MUL, s, "da1", dh, b.add(Op.GREATER, s, "mask", a1, b.constant(0, Shape.SCALAR, s)));
        b.output("h.W", b.add(Op.ADD, s, "dW1", outer(b, x, da1, s), b.add(Op.MUL, s, "r1", lam, w1)), Graph.OutputRole.GRAD);
        b.output("h.b", b.add(Op.SUM, List.of(da1), new Attr.Axes(List.of(0), false), s, "db1"), Graph.OutputRole.GRAD);
    }

    /** sum_b a[b,:,None] * g[b,None,:]. */
    static Value outer(GraphBuilder b, Value a, Value g, Span s) {
        Value a3 = b.add(Op.RESHAPE, List.of(a), new Attr.To(Shape.of(Shape.BATCH, a.shape().dim(1), 1)), s, "a3");
        Value g3 = b.add(Op.RESHAPE, List.of(g), new Attr.To(Shape.of(Shape.BATCH, 1, g.shape().dim(1))), s, "g3");
        return b.add(Op.SUM, List.of(b.add(Op.MUL, s, "outer", a3, g3)), new Attr.Axes(List.of(0), false), s, "xtg");
    }
}
