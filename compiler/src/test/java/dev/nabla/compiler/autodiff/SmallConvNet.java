package dev.nabla.compiler.autodiff;

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

import java.util.List;

/**
 * A hand-built convolutional classifier: x[B,1,6,6] -> conv 3x3 "same" (2 filters) + bias -> tanh ->
 * max_pool 2x2 -> conv 2x2 (3 filters) -> avg_pool 2x2 -> [B,3] -> softmax cross-entropy. Tanh rather than relu,
 * so the Hessian has curvature through the first layer too; labels as in {@link SmallMlp}.
 */
final class SmallConvNet {

    private SmallConvNet() {
    }

    private static Span line(int n) {
        return Span.at("convnet.nabla", n, 5);
    }

    private static Attr.Window window(int k, int stride, int pad, int in) {
        return new Attr.Window(k, k, stride, stride, pad, pad, pad, pad, 1, 1, in, in);
    }

    static Graph build() {
        GraphBuilder b = new GraphBuilder("ConvNet.train");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 1, 6, 6), Graph.InputRole.INPUT, null, line(2));
        Value y = b.input("y", new TensorType(DType.I32, Shape.of(Shape.BATCH)), Graph.InputRole.TARGET, null, line(3));
        Value w1 = b.input("c1.W", TensorType.f32(2, 1, 3, 3), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.HE_UNIFORM), line(5));
        Value b1 = b.input("c1.b", TensorType.f32(2), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.ZEROS), line(5));
        Value w2 = b.input("c2.W", TensorType.f32(SmallMlp.CLASSES, 2, 2, 2), Graph.InputRole.PARAM, InitSpec.of(InitSpec.Kind.HE_UNIFORM), line(7));
        Value conv1 = b.add(Op.CONV2D, List.of(x, w1), window(3, 1, 1, 6), line(5), "c1.conv");
        Value bias = b.add(Op.RESHAPE, List.of(b1), new Attr.To(Shape.of(2, 1, 1)), line(5), "c1.bias");
        Value h = b.add(Op.TANH, line(5), "c1", b.add(Op.ADD, line(5), "c1.z", conv1, bias));
        Value pooled = b.add(Op.MAX_POOL2D, List.of(h), window(2, 2, 0, 6), line(6), "p1");
        Value conv2 = b.add(Op.CONV2D, List.of(pooled, w2), window(2, 1, 0, 3), line(7), "c2");
        Value avg = b.add(Op.AVG_POOL2D, List.of(conv2), window(2, 1, 0, 2), line(8), "p2");
        Value logits = b.add(Op.RESHAPE, List.of(avg), new Attr.To(Shape.of(Shape.BATCH, SmallMlp.CLASSES)), line(9), "logits");
        Value logp = b.add(Op.LOG_SOFTMAX, List.of(logits), new Attr.Axis(1), line(10), "logp");
        Value onehot = b.add(Op.ONE_HOT, List.of(y), new Attr.Depth(SmallMlp.CLASSES), line(10), "onehot");
        Value picked = b.add(Op.SUM, List.of(b.add(Op.MUL, line(10), "picked", onehot, logp)), new Attr.Axes(List.of(1), false), line(10), "nll");
        Value ce = b.add(Op.NEG, line(10), "ce", b.add(Op.MEAN, List.of(picked), new Attr.Axes(List.of(0), false), line(10), "ce.mean"));
        b.output("loss", ce, Graph.OutputRole.LOSS);
        return b.build();
    }
}
