package dev.nabla.compiler.autodiff;

import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backward graphs are differentiable: the Hessian-vector product H v, obtained by differentiating
 * sum_p (dJ/dp . v_p), matches central finite differences of the gradient along v.
 */
class SecondDerivativeTest {

    private static final int BATCH = 4;
    private static final double EPS = 1e-5;
    private static final Span AT = Span.at("hvp.nabla", 1, 1);

    /** The gradient graph with inputs v_p and, as its only output, the loss sum_p sum(grad_p * v_p). */
    private static Graph gradientDotV(Graph gradients, List<String> params) {
        GraphBuilder b = GraphBuilder.extending(gradients);
        Value total = null;
        for (Graph.Output grad : gradients.outputs(Graph.OutputRole.GRAD)) {
            Value v = b.input("v." + grad.name(), grad.value().type(), Graph.InputRole.INPUT, null, AT);
            Value prod = b.add(Op.MUL, AT, "gv", grad.value(), v);
            List<Integer> axes = new ArrayList<>();
            for (int i = 0; i < prod.shape().rank(); i++) {
                axes.add(i);
            }
            Value dot = axes.isEmpty() ? prod : b.add(Op.SUM, List.of(prod), new Attr.Axes(axes, false), AT, "gv.sum");
            total = total == null ? dot : b.add(Op.ADD, AT, "gv.total", total, dot);
        }
        Graph built = b.build();
        return built.withBody(built.body(), List.of(new Graph.Output("hv", total, Graph.OutputRole.LOSS)));
    }

    private static Map<String, Tensor> shifted(Map<String, Tensor> feed, List<String> params, double step) {
        Map<String, Tensor> out = new HashMap<>(feed);
        for (String p : params) {
            double[] d = feed.get(p).data();
            Tensor v = feed.get("v." + p);
            for (int i = 0; i < d.length; i++) {
                d[i] += step * v.at(i);
            }
            out.put(p, new Tensor(feed.get(p).shape(), d));
        }
        return out;
    }

    /** With each smooth activation op whose gradient rule builds on other ops (expm1 on its result, erf on exp). */
    @ParameterizedTest
    @EnumSource(value = Op.class, names = {"TANH", "SIGMOID", "EXPM1", "ERF"})
    void hessianVectorProductOfSmallMlp_matchesFiniteDifferencesOfGradients(Op activation) {
        Graph train = SmallMlp.build(activation);
        assertHessianVectorProductMatches(train, SmallMlp.feed(train, BATCH, 11));
    }

    /** Through conv2d, max_pool2d and avg_pool2d: the backward ops of each are differentiated in turn. */
    @Test
    void hessianVectorProductOfSmallConvNet_matchesFiniteDifferencesOfGradients() {
        Graph train = SmallConvNet.build();
        Graph grads = Autodiff.gradients(train);
        for (Op op : List.of(Op.CONV2D_BACKWARD_INPUT, Op.CONV2D_BACKWARD_FILTER, Op.MAX_POOL2D_BACKWARD, Op.AVG_POOL2D_BACKWARD)) {
            assertTrue(grads.body().stream().anyMatch(i -> i.op() == op), "the backward graph uses " + op);
        }
        assertHessianVectorProductMatches(train, SmallMlp.feed(train, BATCH, 11));
    }

    private static void assertHessianVectorProductMatches(Graph train, Map<String, Tensor> feed) {
        List<String> params = train.inputs(Graph.InputRole.PARAM).stream().map(i -> i.value().name()).toList();
        Graph hvGraph = gradientDotV(Autodiff.gradients(train), params);
        Random rnd = new Random(5);
        for (String p : params) {
            feed.put("v." + p, GradientChecks.random(rnd, feed.get(p).shape(), -1, 1));
        }
        Map<String, Tensor> hv = GradientChecks.symbolic(hvGraph, BATCH, feed, params);
        Map<String, Tensor> up = GradientChecks.symbolic(train, BATCH, shifted(feed, params, EPS), params);
        Map<String, Tensor> down = GradientChecks.symbolic(train, BATCH, shifted(feed, params, -EPS), params);
        double largest = 0;
        for (String p : params) {
            for (int i = 0; i < hv.get(p).size(); i++) {
                largest = Math.max(largest, Math.abs(hv.get(p).at(i)));
                double numeric = (up.get(p).at(i) - down.get(p).at(i)) / (2 * EPS);
                assertEquals(numeric, hv.get(p).at(i), 1e-6, "(H v) for " + p + "[" + i + "]");
            }
        }
        assertTrue(largest > 1e-2, "the curvature checked is not negligible: " + largest);
    }
}
