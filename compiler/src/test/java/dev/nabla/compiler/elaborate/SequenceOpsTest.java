package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.interp.Interpreter;
import dev.nabla.compiler.interp.Tensor;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Indexing, slicing, concat, stack and shape: the elements they pick, by the reference interpreter. */
class SequenceOpsTest {

    /** x[b, t, f] = 100 b + 10 t + f, so every picked element names where it came from. */
    private static Map<String, Tensor> feed(int batch, int steps, int features) {
        double[] x = new double[batch * steps * features];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < features; f++) {
                    x[(b * steps + t) * features + f] = 100 * b + 10 * t + f;
                }
            }
        }
        return Map.of("x", new Tensor(new int[] {batch, steps, features}, x));
    }

    private static ModelIr model(String body) {
        return Models.compile("model S {\n    input x : f32[B, 4, 3]\n    " + body.replace("\n", "\n    ") + "\n}\n");
    }

    private static double[] run(ModelIr m, String output) {
        return Interpreter.run(m.inference(), 2, feed(2, 4, 3)).get(output).data();
    }

    @Test
    void anIndexDropsItsAxis_aRangeKeepsIt_negativesCountFromTheEnd() {
        ModelIr m = model("output a = x[:, 1, :]\noutput b = x[:, -1, 1:]\noutput c = x[:, 1:3, -2:-1]\noutput d = x[:, 2]");
        assertEquals(Shape.of(Shape.BATCH, 3), Models.output(m, "a").shape());
        assertEquals(Shape.of(Shape.BATCH, 2), Models.output(m, "b").shape());
        assertEquals(Shape.of(Shape.BATCH, 2, 1), Models.output(m, "c").shape());
        assertEquals(Shape.of(Shape.BATCH, 3), Models.output(m, "d").shape(), "trailing axes are whole");
        assertArrayEquals(new double[] {10, 11, 12, 110, 111, 112}, run(m, "a"));
        assertArrayEquals(new double[] {31, 32, 131, 132}, run(m, "b"));
        assertArrayEquals(new double[] {11, 21, 111, 121}, run(m, "c"));
        assertArrayEquals(new double[] {20, 21, 22, 120, 121, 122}, run(m, "d"));
    }

    @Test
    void aWholeSlice_isTheValueItself() {
        ModelIr m = model("output a = x[:, :, :] + 1");
        assertTrue(Models.ops(m.train(), Op.SLICE).isEmpty());
    }

    @Test
    void concat_placesThePartsInOrderAlongTheAxis() {
        ModelIr m = model("first = x[:, 0, :]\nlast = x[:, 3, 0:1]\noutput c = concat([first, last, first], axis = -1)");
        assertEquals(Shape.of(Shape.BATCH, 7), Models.output(m, "c").shape());
        assertArrayEquals(new double[] {0, 1, 2, 30, 0, 1, 2, 100, 101, 102, 130, 100, 101, 102}, run(m, "c"));
    }

    @Test
    void stack_addsAnAxisAtTheGivenPosition() {
        ModelIr m = model("a = x[:, 0, 0:2]\nb = x[:, 1, 0:2]\noutput s = stack([a, b], axis = 1)\noutput t = stack([a, b])");
        assertEquals(Shape.of(Shape.BATCH, 2, 2), Models.output(m, "s").shape());
        assertArrayEquals(new double[] {0, 1, 10, 11, 100, 101, 110, 111}, run(m, "s"));
        assertArrayEquals(new double[] {0, 10, 1, 11, 100, 110, 101, 111}, run(m, "t"), "axis -1 stacks last");
    }

    @Test
    void shape_listsTheDimensions_withTheBatchSymbolic() {
        ModelIr m = model("output z = reshape(x, shape(x)) + normal(0, 1, shape(x)) * 0\noutput w = uniform(0, 1, shape(x[:, 0, :]))");
        assertEquals(Shape.of(Shape.BATCH, 4, 3), Models.output(m, "z").shape());
        assertEquals(Shape.of(Shape.BATCH, 3), Models.output(m, "w").shape());
    }
}
