package dev.nabla.compiler.lower;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One sweep where two kernels swept the same buffer: a reduction of a whole buffer into one value joins an earlier
 * kernel's first loop nest over the same elements, and its kernel goes. The L2 term is the case it is for. Lowering
 * puts the loss's kernels last ({@code Lowering.lossLast}), so {@code l2.sum = sum(W * W)} comes after the weight
 * gradient's kernel, which first stores {@code grad:W = 2 lambda W} and then adds {@code x^T g} onto it. Merged, that
 * loop also sums the squares of the weights it has just loaded, and the step reads W once instead of twice (W1's first
 * layer: 784 x 256 floats, 800 KB, out of L2 at that point of the step). The merged nest stores, so it is a reduction
 * the threads share from the parallel loops' threshold ({@link ParallelLoop#reduction}).
 *
 * <p>Running the reduction earlier is sound when no kernel from the earlier one up to the reduction writes a buffer
 * the reduction reads, or touches the buffer it writes. This is checked on the loop IR after lowering, when the
 * memory plan has assigned every buffer, so a TEMP shared with a value in between is seen as that buffer.
 *
 * <p>The first version went the other way, the gradient's loop moved up into the L2 sum where the forward pass had
 * it. It ran slower: the gradient, stored early, had left the cache when its product added onto it
 * (docs/benchmarks.md). {@code -Dnabla.lower.mergeSiblingLoops=false} turns merging off.
 */
public final class MergeSiblingLoops {

    /** On unless the property says false; read at each compile, so a benchmark can compile both ways. */
    static boolean enabled() {
        return !"false".equals(System.getProperty("nabla.lower.mergeSiblingLoops"));
    }

    private MergeSiblingLoops() {
    }

    /** {@code p} with every reduction that qualifies merged into the nearest earlier kernel it can join. */
    public static Program apply(Program p) {
        List<Kernel> kernels = new ArrayList<>(p.kernels());
        for (int r = 0; r < kernels.size(); r++) {
            Kernel reducing = kernels.get(r);
            Reduction red = Reduction.of(reducing);
            if (red == null) {
                continue;
            }
            for (int e = r - 1; e >= 0; e--) {
                Kernel earlier = kernels.get(e);
                if (earlier.body().isEmpty() || !(earlier.body().get(0) instanceof Stmt.For nest)) {
                    continue;
                }
                Stmt merged = red.merge(nest);
                if (merged != null && unusedBetween(kernels, e, r, reducing)) {
                    List<Stmt> body = new ArrayList<>(List.of(red.init(), merged, red.result()));
                    body.addAll(earlier.body().subList(1, earlier.body().size()));
                    kernels.set(e, new Kernel(earlier.name(), earlier.span(),
                            earlier.comment() + "; with " + reducing.name() + ": " + reducing.comment(), body));
                    kernels.remove(r);
                    r--;
                    break;
                }
            }
        }
        return new Program(p.entry(), kernels);
    }

    /**
     * Whether kernels {@code e} to {@code r - 1} write nothing kernel {@code r}, {@code reducing}, reads and touch
     * nothing it writes, so it may run at the start of kernel {@code e}.
     */
    private static boolean unusedBetween(List<Kernel> kernels, int e, int r, Kernel reducing) {
        Set<Integer> reductionReads = new HashSet<>();
        Set<Integer> reductionWrites = new HashSet<>();
        access(reducing.body(), reductionReads, reductionWrites);
        for (int k = e; k < r; k++) {
            Set<Integer> reads = new HashSet<>();
            Set<Integer> writes = new HashSet<>();
            access(kernels.get(k).body(), reads, writes);
            for (int b : writes) {
                if (reductionReads.contains(b) || reductionWrites.contains(b)) {
                    return false;
                }
            }
            for (int b : reads) {
                if (reductionWrites.contains(b)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A kernel that reduces a whole nest into one value: {@code acc = identity; for ...: for ...: acc op= v; out[0] =
     * acc}, the nest perfect (each level's body the next loop), its extents static.
     */
    private record Reduction(Stmt.AccInit init, List<Stmt.For> levels, Stmt.Accum accum, Stmt.Store result) {

        static Reduction of(Kernel k) {
            List<Stmt> b = k.body();
            if (b.size() != 3 || !(b.get(0) instanceof Stmt.AccInit init) || !(b.get(1) instanceof Stmt.For f)
                    || !(b.get(2) instanceof Stmt.Store result)) {
                return null;
            }
            List<Stmt.For> levels = perfect(f);
            if (levels == null) {
                return null;
            }
            List<Stmt> inner = levels.get(levels.size() - 1).body();
            if (inner.size() != 1 || !(inner.get(0) instanceof Stmt.Accum accum) || accum.acc() != init.acc()) {
                return null;
            }
            return new Reduction(init, levels, accum, result);
        }

        /**
         * {@code nest} with this reduction's accumulation first in its innermost body, or null when {@code nest} does
         * not sweep the same extents, accumulates, draws random numbers, or reads none of the buffers this reduction
         * reads (then nothing is read once instead of twice).
         */
        Stmt merge(Stmt.For nest) {
            List<Stmt.For> other = perfect(nest);
            if (other == null || other.size() != levels.size()) {
                return null;
            }
            for (int d = 0; d < levels.size(); d++) {
                if (!other.get(d).extent().equals(levels.get(d).extent())) {
                    return null;
                }
            }
            List<Stmt> moved = other.get(other.size() - 1).body();
            for (int d = 0; d < levels.size(); d++) {
                moved = UpdateStats.substitute(moved, other.get(d).var(), Index.of(levels.get(d).var()));
            }
            Set<Integer> mine = new HashSet<>();
            Set<Integer> theirs = new HashSet<>();
            if (!access(List.of(accum), mine, new HashSet<>()) || !access(moved, theirs, new HashSet<>())
                    || !moved.stream().allMatch(s -> s instanceof Stmt.Store || s instanceof Stmt.Let)) {
                return null;
            }
            theirs.retainAll(mine);
            if (theirs.isEmpty()) {
                return null;
            }
            List<Stmt> inner = new ArrayList<>();
            // The accumulation first: it loads the shared elements before any store, which the JIT cannot prove does
            // not write them, so the stores' expressions reuse the loaded values.
            inner.add(accum);
            inner.addAll(moved);
            return rebuild(inner, levels.size() - 1);
        }

        /** The nest of {@link #levels} from {@code depth} outwards, with {@code inner} as its innermost body. */
        private Stmt rebuild(List<Stmt> inner, int depth) {
            Stmt.For level = levels.get(depth);
            Stmt.For out = new Stmt.For(level.var(), level.extent(), inner);
            return depth == 0 ? out : rebuild(List.of(out), depth - 1);
        }

        /** The levels of a perfect nest with static extents, outermost first; null for any other nest. */
        private static List<Stmt.For> perfect(Stmt.For f) {
            List<Stmt.For> levels = new ArrayList<>();
            Stmt.For at = f;
            while (true) {
                if (at.extent().batch()) {
                    return null;
                }
                levels.add(at);
                if (at.body().size() == 1 && at.body().get(0) instanceof Stmt.For deeper) {
                    at = deeper;
                } else {
                    return levels;
                }
            }
        }
    }

    /** Adds the indices of the buffers {@code body} reads and writes; false when it draws random numbers. */
    private static boolean access(List<Stmt> body, Set<Integer> reads, Set<Integer> writes) {
        return BufferAccess.visit(body, b -> reads.add(b.index()), b -> writes.add(b.index()));
    }
}
