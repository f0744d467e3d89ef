package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The worked chain-rule example: a 3-layer dense network a = h(W3 h(W2 h(W1 x + b1) + b2) + b3) with a
 * single output, sigmoid activations h and loss J = mean over the batch of (a - y)^2. By hand,
 * dJ/dW3 = 2/B sum_b (a - y) h'(z3) a2, and each earlier layer multiplies the error by the transposed
 * weights and by h' of its own pre-activation. The test computes those formulas with plain loops.
 */
class ChainRuleExampleTest {

    private static final int B = 2;
    private static final int[] WIDTH = {3, 4, 3, 1};
    private static final Span AT = Span.at("chain.nabla", 1, 1);

    private final Random rnd = new Random(3);
    private final Map<String, Tensor> feed = new HashMap<>();

    private Value input(GraphBuilder g, String name, Shape s, Graph.InputRole role) {
        Value v = g.input(name, TensorType.f32(s), role, null, AT);
        feed.put(name, GradientChecks.random(rnd, s.concrete(B), -1, 1));
        return v;
    }

    private Graph network() {
        GraphBuilder g = new GraphBuilder("chain");
        Value a = input(g, "x", Shape.of(Shape.BATCH, WIDTH[0]), Graph.InputRole.INPUT);
        for (int l = 1; l <= 3; l++) {
            Value w = input(g, "W" + l, Shape.of(WIDTH[l - 1], WIDTH[l]), Graph.InputRole.PARAM);
            Value b = input(g, "b" + l, Shape.of(WIDTH[l]), Graph.InputRole.PARAM);
            Value z = g.add(Op.ADD, AT, "z" + l, g.add(Op.MATMUL, AT, "mm" + l, a, w), b);
            a = g.add(Op.SIGMOID, AT, "a" + l, z);
        }
        Value y = input(g, "y", Shape.of(Shape.BATCH, 1), Graph.InputRole.TARGET);
        Value d = g.add(Op.SUB, AT, "d", a, y);
        Value loss = g.add(Op.MEAN, List.of(g.add(Op.MUL, AT, "sq", d, d)), new Attr.Axes(List.of(0, 1), false), AT, "loss");
        g.output("loss", loss, Graph.OutputRole.LOSS);
        return g.build();
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private double w(int layer, int i, int j) {
        return feed.get("W" + layer).at(i * WIDTH[layer] + j);
    }

    @Test
    void gradientsOfThreeLayerNetwork_matchHandDerivedChainRule() {
        Graph g = network();
        Map<String, Tensor> symbolic = GradientChecks.symbolic(g, B, feed, List.of("W1", "b1", "W2", "b2", "W3", "b3"));

        double[][][] act = new double[4][B][];
        double[][][] hPrime = new double[4][B][];
        for (int b = 0; b < B; b++) {
            act[0][b] = new double[WIDTH[0]];
            for (int i = 0; i < WIDTH[0]; i++) {
                act[0][b][i] = feed.get("x").at(b * WIDTH[0] + i);
            }
            for (int l = 1; l <= 3; l++) {
                act[l][b] = new double[WIDTH[l]];
                hPrime[l][b] = new double[WIDTH[l]];
                for (int j = 0; j < WIDTH[l]; j++) {
                    double z = feed.get("b" + l).at(j);
                    for (int i = 0; i < WIDTH[l - 1]; i++) {
                        z += act[l - 1][b][i] * w(l, i, j);
                    }
                    act[l][b][j] = sigmoid(z);
                    hPrime[l][b][j] = sigmoid(z) * (1 - sigmoid(z));
                }
            }
        }
        // delta[l][b][j] = dJ/dz_l: at the output 2/B (a - y) h'(z3), then back through W^T and h'.
        double[][][] delta = new double[4][B][];
        for (int b = 0; b < B; b++) {
            delta[3][b] = new double[] {2.0 / B * (act[3][b][0] - feed.get("y").at(b)) * hPrime[3][b][0]};
            for (int l = 2; l >= 1; l--) {
                delta[l][b] = new double[WIDTH[l]];
                for (int i = 0; i < WIDTH[l]; i++) {
                    double back = 0;
                    for (int j = 0; j < WIDTH[l + 1]; j++) {
                        back += w(l + 1, i, j) * delta[l + 1][b][j];
                    }
                    delta[l][b][i] = back * hPrime[l][b][i];
                }
            }
        }
        for (int l = 1; l <= 3; l++) {
            double[] dW = new double[WIDTH[l - 1] * WIDTH[l]];
            double[] db = new double[WIDTH[l]];
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < WIDTH[l]; j++) {
                    db[j] += delta[l][b][j];
                    for (int i = 0; i < WIDTH[l - 1]; i++) {
                        dW[i * WIDTH[l] + j] += act[l - 1][b][i] * delta[l][b][j];
                    }
                }
            }
            assertArrayEquals(dW, symbolic.get("W" + l).data(), 1e-12, "dJ/dW" + l);
            assertArrayEquals(db, symbolic.get("b" + l).data(), 1e-12, "dJ/db" + l);
        }
    }
}
