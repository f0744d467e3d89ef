package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups elementwise trees (with broadcasting) into one loop nest: it marks values {@code inline}, computed inside
 * each reader's loop where the reader reads them, with no buffer. Lowering then gives a kernel to each value that is
 * not inline, computing the whole tree of inline values under it. A value is inline when its op is an expression
 * ({@link Op#expression}), it is no output, every reader reads it elementwise ({@link Op#readsElementwise}), and:
 * <ul>
 *   <li>it costs no more than a load to recompute (a constant, or a broadcast or transpose of a stored or such a
 *       value): then any number of readers may recompute it;</li>
 *   <li>or one instruction reads it, once, or twice when it is a small expression ({@value #MAX_DUPLICATED_SIZE} ops)
 *       without a costly op ({@code t + t}): a transcendental function or a random draw is never computed twice.</li>
 * </ul>
 * An expression tree grows to at most {@value #MAX_EXPR} ops, which keeps every kernel method far below the JVM's
 * 64 KB code limit; past it a value is stored.
 */
final class FuseElementwise {

    /** Ops in one kernel's expression tree at most. */
    static final int MAX_EXPR = 64;
    /** Ops costing more than this per element ({@link Op#cost()}) are computed once, never in two readers. */
    private static final int MAX_DUPLICATED_COST = 1;
    private static final int MAX_DUPLICATED_SIZE = 4;

    private FuseElementwise() {
    }

    static Graph apply(Graph g) {
        Uses uses = new Uses(g);
        Map<Value, Integer> size = new HashMap<>();
        Set<Value> expensive = new HashSet<>();
        Set<Value> inline = new HashSet<>();
        List<Instr> body = new ArrayList<>();
        for (Instr i : g.body()) {
            Value v = i.out();
            List<Uses.Read> reads = uses.reads(v);
            boolean elementwiseReaders = !reads.isEmpty()
                    && reads.stream().allMatch(r -> r.reader().op().readsElementwise(r.operand()));
            int ops = 1 + i.args().stream().mapToInt(a -> size.getOrDefault(a, 0)).sum();
            boolean costly = i.op().cost() > MAX_DUPLICATED_COST || i.args().stream().anyMatch(expensive::contains);
            boolean oneReader = reads.stream().map(Uses.Read::reader).distinct().count() == 1;
            boolean fits = cheap(uses, inline, i) ? elementwiseReaders
                    : oneReader && elementwiseReaders && (reads.size() == 1 || ops <= MAX_DUPLICATED_SIZE && !costly);
            boolean marked = i.op().expression() && !uses.output(v) && fits && ops <= MAX_EXPR;
            if (marked) {
                inline.add(v);
                size.put(v, ops);
                if (costly) {
                    expensive.add(v);
                }
            }
            body.add(i.inlined(marked));
        }
        return g.withBody(body, g.outputs());
    }

    /**
     * Values that cost no more than a load to recompute, so every elementwise reader may inline them: constants,
     * and broadcasts or transposes of stored values or of other such values.
     */
    private static boolean cheap(Uses uses, Set<Value> inline, Instr i) {
        if (i.op() == Op.CONSTANT) {
            return true;
        }
        if (i.op() != Op.BROADCAST && i.op() != Op.TRANSPOSE) {
            return false;
        }
        Value arg = i.args().get(0);
        Instr p = uses.producer(arg);
        return !inline.contains(arg) || p != null && cheap(uses, inline, p);
    }
}
