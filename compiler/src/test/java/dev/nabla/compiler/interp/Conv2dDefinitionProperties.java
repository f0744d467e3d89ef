package dev.nabla.compiler.interp;

import dev.nabla.compiler.ir.Attr;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The interpreter's convolution ({@link Windows#conv2d}), which sums into its output row by row, against its
 * definition summed term by term in a local: the same doubles, bit for bit, over random strides, dilations, paddings
 * on each side (wider than the kernel too) and shapes.
 */
class Conv2dDefinitionProperties {

    @Property(tries = 300)
    void sameDoublesAsTheDefinition(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                                    @ForAll @IntRange(min = 1, max = 3) int o, @ForAll @IntRange(min = 1, max = 9) int inH,
                                    @ForAll @IntRange(min = 1, max = 9) int inW, @ForAll @IntRange(min = 1, max = 4) int kh,
                                    @ForAll @IntRange(min = 1, max = 4) int kw, @ForAll @IntRange(min = 1, max = 3) int sh,
                                    @ForAll @IntRange(min = 1, max = 3) int sw, @ForAll @IntRange(min = 1, max = 2) int dh,
                                    @ForAll @IntRange(min = 1, max = 3) int dw, @ForAll @IntRange(min = 0, max = 5) int top,
                                    @ForAll @IntRange(min = 0, max = 3) int left, @ForAll @IntRange(min = 0, max = 3) int bottom,
                                    @ForAll @IntRange(min = 0, max = 5) int right, @ForAll long seed) {
        Attr.Window w = new Attr.Window(kh, kw, sh, sw, top, left, bottom, right, dh, dw, inH, inW);
        int oh = w.outH();
        int ow = w.outW();
        if (oh <= 0 || ow <= 0) {
            return;
        }
        Random r = new Random(seed);
        Tensor x = Tensor.wrap(new int[] {n, c, inH, inW}, random(r, n * c * inH * inW));
        Tensor k = Tensor.wrap(new int[] {o, c, kh, kw}, random(r, o * c * kh * kw));
        int[] out = {n, o, oh, ow};
        double[] got = Windows.conv2d(x, k, w, out).raw();
        double[] want = definition(x.raw(), k.raw(), w, n, c, o, oh, ow);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), "output " + i);
        }
    }

    private static double[] random(Random r, int len) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    /** y[b,f,oy,ox] = sum over ch, i, j (in that order) of w[f,ch,i,j] * x[b,ch,row,col], outside terms skipped. */
    private static double[] definition(double[] xs, double[] ks, Attr.Window w, int n, int c, int o, int oh, int ow) {
        double[] y = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < o; f++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = 0;
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < w.kh(); i++) {
                                for (int j = 0; j < w.kw(); j++) {
                                    int row = oy * w.sh() + i * w.dh() - w.padTop();
                                    int col = ox * w.sw() + j * w.dw() - w.padLeft();
                                    if (row >= 0 && row < w.inH() && col >= 0 && col < w.inW()) {
                                        s += ks[((f * c + ch) * w.kh() + i) * w.kw() + j]
                                                * xs[((b * c + ch) * w.inH() + row) * w.inW() + col];
                                    }
                                }
                            }
                        }
                        y[((b * o + f) * oh + oy) * ow + ox] = s;
                    }
                }
            }
        }
        return y;
    }
}
