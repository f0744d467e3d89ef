package dev.nabla.compiler;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Value;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.OptimizerSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The buffer layout every executor of a model shares (generated classes and the interpreter-backed
 * model alike), so checkpoints and callers see the same names and order:
 * PARAMs (graph order), STATE, INPUTs, TARGETs, OUTPUTs (by output name), the LOSS ({@code loss}),
 * one GRAD per param ({@code grad:NAME}), the optimizer's OPT_STATE slots ({@code opt0:NAME}, ...).
 * A model without a loss has no LOSS buffer, which is how the runtime knows it cannot be trained or evaluated.
 * A code generator appends its TEMP buffers after these.
 */
public final class SpecLayout {

    public static final String LOSS = "loss";

    private SpecLayout() {
    }

    public static String gradName(String param) {
        return "grad:" + param;
    }

    public static String optStateName(int slot, String param) {
        return "opt" + slot + ":" + param;
    }

    /** The interface buffers of a model, before any TEMP. */
    public static List<BufferSpec> interfaceBuffers(ModelIr model, OptimizerSpec optimizer) {
        Graph g = model.train();
        List<BufferSpec> out = new ArrayList<>();
        List<Graph.Input> params = g.inputs(Graph.InputRole.PARAM);
        for (Graph.Input p : params) {
            out.add(new BufferSpec(p.value().name(), BufferRole.PARAM, dims(p.value()), p.init(), null, 0));
        }
        for (Graph.Input s : g.inputs(Graph.InputRole.STATE)) {
            out.add(new BufferSpec(s.value().name(), BufferRole.STATE, dims(s.value()), s.init(), null, 0));
        }
        for (Graph.Input in : g.inputs(Graph.InputRole.INPUT)) {
            out.add(new BufferSpec(in.value().name(), BufferRole.INPUT, dims(in.value())));
        }
        for (Graph.Input t : g.inputs(Graph.InputRole.TARGET)) {
            int classes = model.targetClasses().getOrDefault(t.value().name(), 0);
            out.add(new BufferSpec(t.value().name(), BufferRole.TARGET, dims(t.value()), null, null, classes));
        }
        Set<String> outputNames = new LinkedHashSet<>();
        for (Graph.Output o : g.outputs(Graph.OutputRole.OUTPUT)) {
            if (outputNames.add(o.name())) {
                out.add(new BufferSpec(o.name(), BufferRole.OUTPUT, dims(o.value())));
            }
        }
        if (model.trainable()) {
            out.add(new BufferSpec(LOSS, BufferRole.LOSS, new int[0]));
        }
        for (Graph.Input p : params) {
            out.add(new BufferSpec(gradName(p.value().name()), BufferRole.GRAD, dims(p.value()), null, p.value().name(), 0));
        }
        for (int slot = 0; slot < optimizer.stateSlots(); slot++) {
            for (Graph.Input p : params) {
                out.add(new BufferSpec(optStateName(slot, p.value().name()), BufferRole.OPT_STATE, dims(p.value()),
                        null, p.value().name(), 0));
            }
        }
        return out;
    }

    private static int[] dims(Value v) {
        return v.shape().toArray();
    }
}
