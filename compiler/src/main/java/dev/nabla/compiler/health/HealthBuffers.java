package dev.nabla.compiler.health;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.lower.UpdateStats;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import dev.nabla.runtime.train.GradientHealth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HEALTH buffers of a model compiled with gradient health, after its interface buffers: one per parameter for
 * the update kernel's sums ({@link UpdateStats}), one per activity probe output ({@link ActivityProbes}). Each
 * carries the model line of the layer it measures, so the runtime's warnings can name it.
 */
public final class HealthBuffers {

    private HealthBuffers() {
    }

    /** {@code train}: the training graph with its gradients and probes, as lowered. */
    public static List<BufferSpec> of(Graph train) {
        List<BufferSpec> out = new ArrayList<>();
        for (Graph.Input p : train.inputs(Graph.InputRole.PARAM)) {
            String name = p.value().name();
            int n = (int) p.value().shape().numel(1);
            out.add(new BufferSpec(GradientHealth.updateName(name), BufferRole.HEALTH, new int[] {UpdateStats.size(n)},
                    null, name, 0, p.span().line()));
        }
        Map<Value, Instr> producer = new HashMap<>();
        train.body().forEach(i -> producer.put(i.out(), i));
        for (Graph.Output o : train.outputs(Graph.OutputRole.HEALTH)) {
            Instr probe = producer.get(o.value());
            out.add(new BufferSpec(o.name(), BufferRole.HEALTH, ActivityProbes.bufferShape(o.value(), producer), null,
                    o.name().substring(GradientHealth.ACTIVE_PREFIX.length()), 0,
                    probe == null ? 0 : probe.span().line()));
        }
        return out;
    }
}
