package dev.nabla.cli;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IrGradOptionTest {

    @Test
    void irWithGrad_printsForwardThenBackwardWithGradOutputs() {
        CliRun r = CliRun.of("ir", "../samples/iris.nabla", "--grad");
        assertEquals(0, r.exit(), r.err());
        String ir = r.out();
        assertTrue(ir.contains("%loss = add"), ir);
        assertTrue(ir.contains("matmul_tn %x, "), ir);
        assertTrue(ir.indexOf("%loss = add") < ir.indexOf("@grad "), "backward after forward: " + ir);
        for (String p : new String[] {"hidden.W", "hidden.b", "logits.W", "logits.b"}) {
            assertTrue(ir.contains("  grad " + p + " = %grad."), ir);
        }
    }

    @Test
    void irWithGradOfInferenceGraph_isAUserError() {
        CliRun r = CliRun.of("ir", "../samples/iris.nabla", "--grad", "--graph", "inference");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--grad needs the training graph"), r.err());
    }
}
