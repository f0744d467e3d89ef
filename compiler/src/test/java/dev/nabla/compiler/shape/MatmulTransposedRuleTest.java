package dev.nabla.compiler.shape;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.TensorType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MATMUL_TN, transpose(a) @ b: the weight-gradient product, which contracts over the batch. */
class MatmulTransposedRuleTest {

    @Test
    void matmulTn_contractsTheBatchAxis() {
        TensorType t = ShapeRules.infer(Op.MATMUL_TN,
                List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(Shape.BATCH, 16)), Attr.NONE);
        assertEquals(TensorType.f32(4, 16), t);
    }

    @Test
    void matmulTn_firstAxesDiffering_namesBothShapes() {
        ShapeException e = assertThrows(ShapeException.class, () -> ShapeRules.infer(Op.MATMUL_TN,
                List.of(TensorType.f32(Shape.BATCH, 4), TensorType.f32(5, 16)), Attr.NONE));
        assertTrue(e.getMessage().contains("[B,4]") && e.getMessage().contains("[5,16]"), e.getMessage());
    }

    @Test
    void matmulTn_ofVectors_isRejected() {
        assertThrows(ShapeException.class, () -> ShapeRules.infer(Op.MATMUL_TN,
                List.of(TensorType.f32(4), TensorType.f32(4, 2)), Attr.NONE));
    }
}
