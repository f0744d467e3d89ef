package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IrGradOptionTest {

    private static String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new String[] {Integer.toString(exit), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void irWithGrad_printsForwardThenBackwardWithGradOutputs() {
        String[] r = run("ir", "../samples/iris.nabla", "--grad");
        assertEquals("0", r[0], r[2]);
        String ir = r[1];
        assertTrue(ir.contains("%loss = add"), ir);
        assertTrue(ir.contains("matmul_tn %x, "), ir);
        assertTrue(ir.indexOf("%loss = add") < ir.indexOf("@grad "), "backward after forward: " + ir);
        for (String p : new String[] {"hidden.W", "hidden.b", "logits.W", "logits.b"}) {
            assertTrue(ir.contains("  grad " + p + " = %grad."), ir);
        }
    }

    @Test
    void irWithGradOfInferenceGraph_isAUserError() {
        String[] r = run("ir", "../samples/iris.nabla", "--grad", "--graph", "inference");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--grad needs the training graph"), r[2]);
    }
}
