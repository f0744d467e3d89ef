package dev.nabla.compiler.codegen;

import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.lower.BufferAccess;
import dev.nabla.compiler.lower.Kernel;
import dev.nabla.compiler.lower.Program;
import dev.nabla.compiler.lower.SameKernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which kernels call one method. Kernels that are the same code, buffers and all, call the first one's method
 * ({@link #copies}). Kernels that are the same code over other buffers ({@link SameKernel#bufferPairs}) share one
 * method, which takes the spec indices of its buffers from the caller (its slots) instead of having them as
 * constants. A recurrence unrolled over time steps makes such kernels, one per step: the GRU of
 * {@code samples/digits_gru.nabla} lowers to 285 kernels, most of them one of 8 alike. The JIT profiles and compiles
 * each method on its own, so fewer methods mean a shorter warm-up.
 *
 * <p>A shared method's loops split over threads get the slots too ({@code Parallel.SlottedBody},
 * {@code Parallel.SlottedReduction}).
 */
final class KernelTemplates {

    /**
     * A call of a shared method: {@code template}'s, with {@code slots[i]} the spec index of the buffer it loads
     * {@code i}-th ({@link BufferAccess#indices} of the template's body).
     */
    record Use(Kernel template, int[] slots) {
    }

    /** Off with {@code -Dnabla.codegen.shareKernels=false}: every kernel its own method, as before. */
    static final boolean ENABLED = !"false".equals(System.getProperty("nabla.codegen.shareKernels"));

    private KernelTemplates() {
    }

    /**
     * Each kernel that is the same code as a kernel of an earlier entry point, buffers and all
     * ({@link SameKernel#same}), mapped to that one: its entry calls the earlier one's method. Evaluate shares
     * predict's kernels so (a model's whole forward pass, emitted once per family instead of twice).
     */
    static Map<Kernel, Kernel> copies(Program[] programs) {
        Map<Kernel, Kernel> shared = new IdentityHashMap<>();
        Map<String, List<Kernel>> earlier = new HashMap<>();
        for (Program p : programs) {
            List<Kernel> own = new ArrayList<>();
            for (Kernel k : p.kernels()) {
                Kernel same = earlier.getOrDefault(k.name(), List.of()).stream().filter(e -> SameKernel.same(e, k))
                        .findFirst().orElse(null);
                if (same == null) {
                    own.add(k);
                } else {
                    shared.put(k, same);
                }
            }
            own.forEach(k -> earlier.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(k));
        }
        return shared;
    }

    /**
     * For each kernel of {@code programs} that shares a method, how it calls it; a template maps to itself. Kernels
     * in {@code exact} (the same code as an earlier kernel, buffers and all, which call that one's method) are left
     * out.
     */
    static Map<Kernel, Use> find(Program[] programs, Map<Kernel, Kernel> exact) {
        Map<Kernel, Use> uses = new IdentityHashMap<>();
        if (!ENABLED) {
            return uses;
        }
        Map<Span, List<Kernel>> candidates = new HashMap<>(); // by position: only kernels of one line can be the same
        for (Program p : programs) {
            for (Kernel k : p.kernels()) {
                if (exact.containsKey(k)) {
                    continue;
                }
                Use use = null;
                for (Kernel t : candidates.getOrDefault(k.span(), List.of())) {
                    Map<Integer, Integer> pairs = SameKernel.bufferPairs(t, k);
                    if (pairs != null) {
                        Use own = uses.computeIfAbsent(t, x -> new Use(x, BufferAccess.indices(x.body())));
                        use = new Use(t, Arrays.stream(own.slots()).map(pairs::get).toArray());
                        break;
                    }
                }
                if (use == null) {
                    candidates.computeIfAbsent(k.span(), x -> new ArrayList<>()).add(k);
                } else {
                    uses.put(k, use);
                }
            }
        }
        return uses;
    }
}
