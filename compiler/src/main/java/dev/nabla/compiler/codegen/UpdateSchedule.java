package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.BufferAccess;
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.Program;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The order of the fused training step, {@code trainAndUpdate}: trainStep's kernels, each parameter's update kernel
 * placed right after the last trainStep kernel that touches the parameter or its gradient. That kernel is the one
 * that finishes the gradient (a weight-gradient product, a bias-gradient sum), unless a later one still reads the
 * weights (a dense layer's input gradient {@code g W^T} computed after {@code x^T g}): the update must not change
 * weights the rest of the step reads. So the update reads the gradient just written, while it is still in cache,
 * and the step makes no separate pass over all parameters at its end.
 *
 * <p>The update kernels are the {@code update} entry's kernels, called as they are: the fused step computes
 * bit for bit what {@code trainStep} then {@code update} computes (nothing between the two halves reads or writes a
 * parameter, its gradient, its optimizer state or its health sums, which are the only buffers an update touches).
 *
 * <p>This is decided on the loop IR, not in a graph pass: the optimizer is not part of the graph (it is lowered from
 * the {@code OptimizerSpec} by {@code UpdateLowering}), and whether the fused step may run is the runtime's call per
 * run (clipping needs the global norm before any update; Spark sums the gradients of all partitions first).
 *
 * @param slots the kernels of {@code trainAndUpdate} in order
 */
public record UpdateSchedule(List<Slot> slots) {

    /** One call: kernel {@code kernel} of the entry {@code trainStep} or {@code update}. */
    public record Slot(String entry, int kernel) {
    }

    public UpdateSchedule {
        slots = List.copyOf(slots);
    }

    /**
     * @param update its kernel {@code p} updates the parameter of {@code params.get(p)}
     * @param params per update kernel, the buffer indices it touches (parameter, gradient, optimizer state, health sums)
     */
    static UpdateSchedule plan(Program train, Program update, List<Set<Integer>> params) {
        if (update.kernels().size() != params.size()) {
            throw new IllegalStateException(update.kernels().size() + " update kernels for " + params.size() + " parameters");
        }
        List<Kernel> steps = train.kernels();
        List<Set<Integer>> touched = steps.stream().map(UpdateSchedule::buffersOf).toList();
        // A parameter no trainStep kernel touches is updated at the end, where the separate update would run (first,
        // when trainStep has no kernels at all).
        int[] after = new int[params.size()];
        for (int p = 0; p < params.size(); p++) {
            after[p] = steps.size() - 1;
            for (int k = steps.size() - 1; k >= 0; k--) {
                if (!Collections.disjoint(touched.get(k), params.get(p))) {
                    after[p] = k;
                    break;
                }
            }
        }
        List<Slot> slots = new ArrayList<>();
        for (int p = 0; p < params.size(); p++) {
            if (after[p] < 0) {
                slots.add(new Slot("update", p));
            }
        }
        for (int k = 0; k < steps.size(); k++) {
            slots.add(new Slot("trainStep", k));
            for (int p = 0; p < params.size(); p++) {
                if (after[p] == k) {
                    slots.add(new Slot("update", p));
                }
            }
        }
        return new UpdateSchedule(slots);
    }

    /** The buffer indices a kernel touches, the hyperparameters aside (no trainStep kernel reads them). */
    static Set<Integer> buffersOf(Kernel kernel) {
        return Arrays.stream(BufferAccess.indices(kernel.body())).boxed().collect(Collectors.toSet());
    }

    /** The listing's section: {@code trainAndUpdate:} and the kernel names in order. */
    String listing(Program train, Program update) {
        StringBuilder s = new StringBuilder("trainAndUpdate:\n");
        for (Slot slot : slots) {
            Program p = slot.entry().equals("update") ? update : train;
            s.append("  ").append(slot.entry()).append(' ').append(p.kernels().get(slot.kernel()).name()).append('\n');
        }
        return s.toString();
    }
}
