package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamScopingTest {

    @Test
    void assignedCall_namesParamsAfterTheValue() {
        ModelIr m = Models.withBody("hidden1 = dense(x, 8)\noutput o = hidden1");
        assertEquals(List.of("hidden1.W", "hidden1.b"), Models.paramNames(m));
    }

    @Test
    void unassignedCalls_areNamedAfterTheDefinitionAndNumberedFromTheSecondUse() {
        ModelIr m = Models.withBody("output o = relu(dense(x, 3)) + dense(x, 3)");
        assertEquals(List.of("dense.W", "dense.b", "dense_2.W", "dense_2.b"), Models.paramNames(m));
    }

    @Test
    void callsInsideADefinition_nestUnderTheOuterCallsName() {
        ModelIr m = Models.compile("""
                def block(x, units) {
                    h = dense(x, units, activation = relu)
                    return dense(h, units)
                }
                model M {
                    input x : f32[B, 4]
                    block1 = block(x, 5)
                    output o = block(block1, 2)
                }
                """);
        assertEquals(List.of("block1.h.W", "block1.h.b", "block1.dense.W", "block1.dense.b",
                "o.h.W", "o.h.b", "o.dense.W", "o.dense.b"), Models.paramNames(m));
    }

    @Test
    void paramShape_usesDimOfTheArgumentAtCompileTime() {
        ModelIr m = Models.withBody("h = dense(x, 6)\noutput o = dense(h, 2)");
        assertEquals(Shape.of(4, 6), Models.param(m, "h.W").shape());
        assertEquals(Shape.of(6, 2), Models.param(m, "o.W").shape());
        assertEquals(Shape.of(2), Models.param(m, "o.b").shape());
    }

    @Test
    void paramInModel_hasItsPlainName() {
        ModelIr m = Models.withBody("param W : [4, 2] = uniform(-0.1, 0.1)\noutput o = x @ W");
        assertEquals(List.of("W"), Models.paramNames(m));
        assertEquals("uniform(-0.1, 0.1)", m.train().inputs().get(1).init().toString());
    }

    @Test
    void initializers_acceptAliasesAndArguments() {
        ModelIr m = Models.withBody("""
                param A : [4, 2] = xavier_uniform
                param C : [4, 2] = kaiming_normal
                param D : [2] = normal(0.5, 0.02)
                param E : [2] = normal(0.02)
                param F : [2] = constant(0.1)
                output o = x @ A + x @ C + D + E + F""");
        List<String> inits = m.train().inputs().stream().skip(1).map(i -> i.init().toString()).toList();
        assertEquals(List.of("glorot_uniform", "he_normal", "normal(0.5, 0.02)", "normal(0.0, 0.02)", "constant(0.1)"), inits);
    }

    @Test
    void assignedNameCollidingWithANumberedScope_isReportedAtTheSecondParam() {
        String errors = Models.errors("""
                model M {
                    input x : f32[B, 4]
                    a = dense(x, 2) + dense(x, 2)
                    dense_2 = dense(x, 2)
                    output o = a + dense_2
                }
                """);
        assertTrue(errors.contains("parameter 'dense_2.W' is already declared"), errors);
    }
}
