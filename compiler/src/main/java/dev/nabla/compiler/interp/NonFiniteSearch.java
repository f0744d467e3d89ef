package dev.nabla.compiler.interp;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.passes.Passes;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.ModelSpec;
import dev.nabla.runtime.train.DivergenceProbe;
import dev.nabla.runtime.train.DivergenceProbe.Finding;
import dev.nabla.runtime.train.DivergenceProbe.Phase;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Re-runs a training step in the reference interpreter to find the first value, in topological order, that a
 * float32 kernel could not hold: NaN, an infinity, or a number beyond float32's range. The interpreter computes in
 * double, which tells the two apart: a value undefined in double too (log of a negative number) is the model's own,
 * while one only out of float32's range is an overflow that growing weights cause. The graph is the one the
 * compiled trainStep runs: the training graph with its gradients, after the same passes.
 */
public final class NonFiniteSearch {

    private final ModelIr model;
    private final Set<String> disabledPasses;
    private Graph trainStep;

    private NonFiniteSearch(ModelIr model, Set<String> disabledPasses) {
        this.model = model;
        this.disabledPasses = disabledPasses;
    }

    /** A probe for the trainer of {@code model} compiled to {@code spec} without {@code disabledPasses}. */
    public static DivergenceProbe probe(ModelIr model, Set<String> disabledPasses, ModelSpec spec) {
        NonFiniteSearch search = new NonFiniteSearch(model, disabledPasses);
        return (buffers, batch) -> search.first(feed(search.graph(), spec, buffers, batch), batch);
    }

    /** The first non-finite value of the step with these graph inputs, or null when every value fits float32. */
    public Finding first(Map<String, Tensor> feed, int batch) {
        Graph g = graph();
        for (Graph.Input in : g.inputs()) {
            Tensor t = feed.get(in.value().name());
            int bad = firstUnfit(t);
            if (bad >= 0) {
                boolean learned = in.role() == Graph.InputRole.PARAM || in.role() == Graph.InputRole.STATE;
                String what = (learned ? "weight" : in.role().name().toLowerCase()) + " `" + in.value().name() + "`";
                return new Finding(what, where(in.span()), learned ? Phase.WEIGHTS : Phase.FORWARD, t.at(bad), false);
            }
        }
        Map<String, Tensor> values = Interpreter.runAll(g, batch, feed);
        for (Instr i : g.body()) {
            Tensor t = values.get(i.out().name());
            int bad = firstUnfit(t);
            if (bad >= 0) {
                double v = t.at(bad);
                return new Finding("`" + i.op().mnemonic() + "`", where(i.span()),
                        i.span().gradient() ? Phase.GRADIENT : Phase.FORWARD, v, Double.isFinite(v));
            }
        }
        return null;
    }

    private Graph graph() {
        if (trainStep == null) {
            trainStep = Passes.run(Autodiff.gradients(model.train()), disabledPasses);
        }
        return trainStep;
    }

    /** The graph's inputs from the buffers of a compiled model: the first {@code batch} rows of a batched one. */
    static Map<String, Tensor> feed(Graph g, ModelSpec spec, float[][] buffers, int batch) {
        Map<String, Tensor> feed = new HashMap<>();
        for (Graph.Input in : g.inputs()) {
            Value v = in.value();
            int index = spec.indexOf(v.name());
            BufferSpec b = spec.buffers().get(index);
            double[] d = new double[b.size(batch)];
            for (int k = 0; k < d.length; k++) {
                d[k] = buffers[index][k];
            }
            feed.put(v.name(), new Tensor(v.shape().concrete(batch), d));
        }
        return feed;
    }

    /** The index of the first element a float32 cannot hold (NaN, infinite, beyond its range), or -1. */
    private static int firstUnfit(Tensor t) {
        for (int k = 0; k < t.size(); k++) {
            double x = t.at(k);
            if (!(Math.abs(x) <= Float.MAX_VALUE)) {
                return k;
            }
        }
        return -1;
    }

    private static String where(Span s) {
        return s.line() <= 0 ? "" : s.fileName() + ":" + s.line() + ":" + s.column();
    }
}
