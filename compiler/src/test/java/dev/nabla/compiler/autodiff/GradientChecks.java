package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Verifier;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** Symbolic gradients through the interpreter versus central finite differences, in double precision. */
final class GradientChecks {

    static final double STEP = 1e-6;

    private GradientChecks() {
    }

    static double loss(Graph g, int batch, Map<String, Tensor> feed) {
        String name = g.outputs(Graph.OutputRole.LOSS).get(0).name();
        return Interpreter.run(g, batch, feed).get(name).item();
    }

    /** The GRAD outputs of the verified gradient graph, by the name of the value they differentiate by. */
    static Map<String, Tensor> symbolic(Graph g, int batch, Map<String, Tensor> feed, List<String> wrt) {
        Graph grad = Verifier.verify(Autodiff.gradients(g, wrt));
        Map<String, Tensor> all = Interpreter.runAll(grad, batch, feed);
        Map<String, Tensor> out = new HashMap<>();
        for (Graph.Output o : grad.outputs(Graph.OutputRole.GRAD)) {
            out.put(o.name(), all.get(o.value().name()));
        }
        return out;
    }

    static double[] numeric(Graph g, int batch, Map<String, Tensor> feed, String name) {
        Tensor x = feed.get(name);
        double[] d = new double[x.size()];
        Map<String, Tensor> moved = new HashMap<>(feed);
        for (int i = 0; i < d.length; i++) {
            moved.put(name, x.with(i, x.at(i) + STEP));
            double up = loss(g, batch, moved);
            moved.put(name, x.with(i, x.at(i) - STEP));
            double down = loss(g, batch, moved);
            d[i] = (up - down) / (2 * STEP);
        }
        return d;
    }

    /** Fails naming the value and element when |symbolic - numeric| > tol * max(1, |symbolic|, |numeric|). */
    static void assertMatch(Graph g, int batch, Map<String, Tensor> feed, List<String> wrt, double tol) {
        Map<String, Tensor> sym = symbolic(g, batch, feed, wrt);
        for (String name : wrt) {
            double[] num = numeric(g, batch, feed, name);
            Tensor s = sym.get(name);
            for (int i = 0; i < num.length; i++) {
                double a = s.at(i);
                double scale = Math.max(1, Math.max(Math.abs(a), Math.abs(num[i])));
                if (Math.abs(a - num[i]) > tol * scale) {
                    fail("d loss / d " + name + "[" + i + "]: symbolic " + a + ", finite differences " + num[i]
                            + "\n" + Autodiff.gradients(g, wrt));
                }
            }
        }
    }

    static Tensor random(Random rnd, int[] shape, double lo, double hi) {
        double[] d = new double[Tensor.size(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return new Tensor(shape, d);
    }

    /** Values with |x| in [lo, hi] and a random sign: away from the kinks of abs and relu at 0. */
    static Tensor awayFromZero(Random rnd, int[] shape, double lo, double hi) {
        Tensor t = random(rnd, shape, lo, hi);
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextBoolean() ? d[i] : -d[i];
        }
        return new Tensor(shape, d);
    }
}
