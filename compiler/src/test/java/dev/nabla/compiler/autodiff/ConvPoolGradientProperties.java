package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.autodiff.GradientChecks.Operand;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Random;

import static dev.nabla.compiler.autodiff.GradientChecks.random;

/**
 * Convolution and pooling, and their backward ops, against central finite differences of
 * sum(op(operands) * R) in double precision, over random geometry: strides 1-3, paddings 0-2 on each side
 * independently (so asymmetric), dilations 1-2, windows as large as the padded input, 1x1 windows, odd sizes,
 * a batch of 1 or the symbolic batch. The backward ops are checked with respect to both operands, since
 * second derivatives go through them.
 */
class ConvPoolGradientProperties {

    private static final double TOL = 1e-6;

    /** One draw of convolution geometry: input [n, c, h, w] (n may be the batch B), o filters, the window. */
    private record Geometry(Shape x, int outChannels, Attr.Window window, int batch) {
        Shape kernel() {
            return Shape.of(outChannels, x.dim(1), window.kh(), window.kw());
        }

        Shape y() {
            return Shape.of(x.dim(0), outChannels, window.outH(), window.outW());
        }

        Shape pooled() {
            return Shape.of(x.dim(0), x.dim(1), window.outH(), window.outW());
        }
    }

    /**
     * Random geometry. One draw in four makes the window exactly as large as the input (one output position),
     * one in four a 1x1 window; pooling has no dilation and pads at most half the window on each side.
     */
    private static Geometry geometry(Random rnd, boolean pooling) {
        boolean symbolic = rnd.nextBoolean();
        int batch = 1 + rnd.nextInt(2);
        int c = 1 + rnd.nextInt(3);
        int o = 1 + rnd.nextInt(3);
        int mode = rnd.nextInt(4);
        int[] kernel = new int[2], stride = new int[2], before = new int[2], after = new int[2], dilation = new int[2], in = new int[2];
        for (int axis = 0; axis < 2; axis++) {
            kernel[axis] = mode == 1 ? 1 : 1 + rnd.nextInt(3);
            stride[axis] = 1 + rnd.nextInt(3);
            dilation[axis] = pooling ? 1 : 1 + rnd.nextInt(2);
            int maxPad = pooling ? kernel[axis] / 2 : 2;
            before[axis] = mode == 0 ? 0 : rnd.nextInt(maxPad + 1);
            after[axis] = mode == 0 ? 0 : rnd.nextInt(maxPad + 1);
            int span = dilation[axis] * (kernel[axis] - 1) + 1;
            int least = Math.max(1, span - before[axis] - after[axis]);
            in[axis] = mode == 0 ? span : least + rnd.nextInt(5);
        }
        Attr.Window w = new Attr.Window(kernel[0], kernel[1], stride[0], stride[1], before[0], before[1], after[0],
                after[1], dilation[0], dilation[1], in[0], in[1]);
        return new Geometry(Shape.of(symbolic ? Shape.BATCH : batch, c, in[0], in[1]), o, w, symbolic ? 1 + rnd.nextInt(2) : batch);
    }

    private static Operand wrt(Geometry g, Shape s, Random rnd) {
        return new Operand(s, random(rnd, s.concrete(g.batch()), -1, 1), true);
    }

    private static void check(Op op, Geometry g, Random rnd, Operand... operands) {
        GradientChecks.assertOpMatches(op, g.window(), rnd, g.batch(), TOL, operands);
    }

    /** Values a finite-difference step never moves past one another: which element of a window is its maximum holds. */
    private static Tensor distinct(Random rnd, Shape s, int batch) {
        return GradientChecks.distinct(rnd, s.concrete(batch), 0);
    }

    @Property(tries = 100)
    void conv2d_matchesFiniteDifferences_inInputAndKernel(@ForAll long seed) {
        Random rnd = new Random(seed);
        Geometry g = geometry(rnd, false);
        check(Op.CONV2D, g, rnd, wrt(g, g.x(), rnd), wrt(g, g.kernel(), rnd));
    }

    @Property(tries = 100)
    void conv2dBackwardInput_matchesFiniteDifferences_inGradientAndKernel(@ForAll long seed) {
        Random rnd = new Random(seed);
        Geometry g = geometry(rnd, false);
        check(Op.CONV2D_BACKWARD_INPUT, g, rnd, wrt(g, g.y(), rnd), wrt(g, g.kernel(), rnd));
    }

    @Property(tries = 100)
    void conv2dBackwardFilter_matchesFiniteDifferences_inInputAndGradient(@ForAll long seed) {
        Random rnd = new Random(seed);
        Geometry g = geometry(rnd, false);
        check(Op.CONV2D_BACKWARD_FILTER, g, rnd, wrt(g, g.x(), rnd), wrt(g, g.y(), rnd));
    }

    @Property(tries = 100)
    void maxPool_andItsBackwardAndGather_matchFiniteDifferences(@ForAll long seed) {
        Random rnd = new Random(seed);
        Geometry g = geometry(rnd, true);
        check(Op.MAX_POOL2D, g, rnd, new Operand(g.x(), distinct(rnd, g.x(), g.batch()), true));
        Operand x = new Operand(g.x(), distinct(rnd, g.x(), g.batch()), false);
        check(Op.MAX_POOL2D_BACKWARD, g, rnd, x, wrt(g, g.pooled(), rnd));
        check(Op.MAX_POOL2D_GATHER, g, rnd, x, wrt(g, g.x(), rnd));
    }

    @Property(tries = 100)
    void avgPool_andItsBackward_matchFiniteDifferences(@ForAll long seed) {
        Random rnd = new Random(seed);
        Geometry g = geometry(rnd, true);
        check(Op.AVG_POOL2D, g, rnd, wrt(g, g.x(), rnd));
        check(Op.AVG_POOL2D_BACKWARD, g, rnd, wrt(g, g.pooled(), rnd));
    }
}
