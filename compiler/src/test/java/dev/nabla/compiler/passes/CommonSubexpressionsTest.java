package dev.nabla.compiler.passes;

import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.GraphBuilder;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.TensorType;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** CSE merges repeated pure instructions, keeps the graph's meaning, and never merges two random draws. */
class CommonSubexpressionsTest {

    private static final Span S = Span.at("cse.nabla", 1, 1);

    private static long count(Graph g, Op op) {
        return g.body().stream().filter(i -> i.op() == op).count();
    }

    @Test
    void repeatedPureInstructions_areMergedAndTheResultIsUnchanged() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.f32(Shape.of(Shape.BATCH, 3)), Graph.InputRole.INPUT, null, S);
        Value e1 = b.add(Op.EXP, S, "e", x);
        Value e2 = b.add(Op.EXP, S, "e", x);
        Value t1 = b.add(Op.TANH, S, "t", e1);
        Value t2 = b.add(Op.TANH, S, "t", e2);
        b.output("y", b.add(Op.ADD, S, "y", t1, t2), Graph.OutputRole.OUTPUT);
        Graph before = b.build();
        Graph after = CommonSubexpressions.apply(before);
        Verifier.verify(after);
        assertEquals(1, count(after, Op.EXP));
        assertEquals(1, count(after, Op.TANH), "merging exp makes the two tanh equal too");
        Map<String, Tensor> in = Map.of("x", new Tensor(new int[] {2, 3}, new double[] {0.1, -2, 3, 0.5, 0, -0.25}));
        assertArrayEquals(Interpreter.run(before, 2, in).get("y").data(), Interpreter.run(after, 2, in).get("y").data());
    }

    @Test
    void randomDraws_areNeverMerged_evenWithEqualAttributes() {
        GraphBuilder b = new GraphBuilder("g");
        Value seed = b.input("seed", TensorType.f32(Shape.SCALAR), Graph.InputRole.STATE, null, S);
        Value step = b.input("step", TensorType.f32(Shape.SCALAR), Graph.InputRole.STATE, null, S);
        Attr.Draw same = new Attr.Draw(0, Shape.of(Shape.BATCH, 4));
        Value u1 = b.add(Op.RANDOM_UNIFORM, List.of(seed, step), same, S, "u");
        Value u2 = b.add(Op.RANDOM_UNIFORM, List.of(seed, step), same, S, "u");
        Value n1 = b.add(Op.RANDOM_NORMAL, List.of(seed, step), same, S, "n");
        Value n2 = b.add(Op.RANDOM_NORMAL, List.of(seed, step), same, S, "n");
        b.output("y", b.add(Op.ADD, S, "y", b.add(Op.ADD, S, "a", u1, u2), b.add(Op.ADD, S, "b", n1, n2)),
                Graph.OutputRole.OUTPUT);
        Graph after = CommonSubexpressions.apply(b.build());
        assertEquals(2, count(after, Op.RANDOM_UNIFORM));
        assertEquals(2, count(after, Op.RANDOM_NORMAL));
    }
}
