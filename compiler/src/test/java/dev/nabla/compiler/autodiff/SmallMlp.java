package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.interp.Tensor;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A hand-built classifier like the samples': x[B,4] -> dense(5, activation) -> dense(3) -> softmax
 * cross-entropy through log_softmax and one_hot, plus l2 on the weights, spanned like source lines.
 */
final class SmallMlp {

    static final int CLASSES = 3;

    private SmallMlp() {
    }

    private static Span line(int n) {
        return Span.at("mlp.nabla", n, 5);
    }

    static Graph build(Op activation) {
        GraphBuilder b = new GraphBuilder("Mlp.train");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 4), Graph.InputRole.INPUT, null, line(2));
        Value y = b.input("y", new TensorType(DType.I32, Shape.of(Shape.BATCH)), Graph.InputRole.TARGET, null, line(3));
        Value w1 = b.input("hidden.W", TensorType.f32(4, 5), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.HE_UNIFORM), line(5));
        Value b1 = b.input("hidden.b", TensorType.f32(5), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ZEROS), line(5));
        Value w2 = b.input("logits.W", TensorType.f32(5, CLASSES), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.HE_UNIFORM), line(6));
        Value b2 = b.input("logits.b", TensorType.f32(CLASSES), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ZEROS), line(6));
        Value h = b.add(activation, line(5), "hidden",
                b.add(Op.ADD, line(5), "hidden.z", b.add(Op.MATMUL, line(5), "hidden.mm", x, w1), b1));
        Value logits = b.add(Op.ADD, line(6), "logits", b.add(Op.MATMUL, line(6), "logits.mm", h, w2), b2);
        b.output("probs", b.add(Op.SOFTMAX, List.of(logits), new Attr.Axis(1), line(7), "probs"), Graph.OutputRole.OUTPUT);
        Value logp = b.add(Op.LOG_SOFTMAX, List.of(logits), new Attr.Axis(1), line(9), "logp");
        Value onehot = b.add(Op.ONE_HOT, List.of(y), new Attr.Depth(CLASSES), line(9), "onehot");
        Value picked = b.add(Op.SUM, List.of(b.add(Op.MUL, line(9), "picked", onehot, logp)), new Attr.Axes(List.of(1), false), line(9), "nll");
        Value ce = b.add(Op.NEG, line(9), "ce", b.add(Op.MEAN, List.of(picked), new Attr.Axes(List.of(0), false), line(9), "ce.mean"));
        Value l2 = b.add(Op.MUL, line(9), "l2", b.constant(0.5e-4, Shape.SCALAR, line(9)),
                b.add(Op.SUM, List.of(b.add(Op.MUL, line(9), "l2.sq", w1, w1)), new Attr.Axes(List.of(0, 1), false), line(9), "l2.sum"));
        b.output("loss", b.add(Op.ADD, line(9), "loss", ce, l2), Graph.OutputRole.LOSS);
        return b.build();
    }

    /** Random inputs, labels in range and parameters for a batch. */
    static Map<String, Tensor> feed(Graph g, int batch, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> feed = new HashMap<>();
        for (Graph.Input in : g.inputs()) {
            int[] dims = in.value().shape().concrete(batch);
            if (in.value().dtype() == DType.I32) {
                double[] labels = new double[Tensor.size(dims)];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = rnd.nextInt(CLASSES);
                }
                feed.put(in.value().name(), new Tensor(dims, labels));
            } else {
                feed.put(in.value().name(), GradientChecks.random(rnd, dims, -1, 1));
            }
        }
        return feed;
    }
}
