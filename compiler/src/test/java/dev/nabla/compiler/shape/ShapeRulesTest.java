package dev.nabla.compiler.shape;

import dev.nabla.compiler.ir.Attr;
import dev.nabla.compiler.ir.DType;
import dev.nabla.compiler.ir.Op;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.TensorType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeRulesTest {

    private static final TensorType BATCH_4 = TensorType.f32(Shape.BATCH, 4);

    @Test
    void everyOp_hasAShapeRule() {
        for (Op op : Op.values()) {
            assertTrue(ShapeRules.has(op), op + " has no shape rule");
        }
    }

    @Test
    void broadcast_rowVectorAgainstBatch_keepsBatch() {
        TensorType t = ShapeRules.infer(Op.ADD, List.of(BATCH_4, TensorType.f32(4)), Attr.NONE);
        assertEquals("f32[B,4]", t.toString());
    }

    @Test
    void broadcast_sizeOneAxesStretch() {
        TensorType t = ShapeRules.infer(Op.MUL, List.of(TensorType.f32(3, 1), TensorType.f32(1, 5)), Attr.NONE);
        assertEquals(Shape.of(3, 5), t.shape());
    }

    @Test
    void broadcast_mismatch_namesBothShapes() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.ADD, List.of(BATCH_4, TensorType.f32(3)), Attr.NONE));
        assertEquals("cannot broadcast [B,4] with [3] in add", e.getMessage());
    }

    @Test
    void broadcast_batchAgainstConstantDimension_isRejected() {
        assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.ADD, List.of(BATCH_4, TensorType.f32(7, 4)), Attr.NONE));
    }

    @Test
    void broadcast_thatWouldPutBatchOnASecondAxis_isAShapeError() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.MUL, List.of(TensorType.f32(Shape.BATCH, 1, 4), BATCH_4), Attr.NONE));
        assertEquals("broadcasting [B,1,4] with [B,4] would move the batch dimension B off axis 0", e.getMessage());
    }

    @Test
    void matmul_innerMismatch_namesBothShapes() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.MATMUL, List.of(BATCH_4, TensorType.f32(5, 3)), Attr.NONE));
        assertEquals("matrix product [B,4] @ [5,3]: inner dimensions 4 and 5 differ", e.getMessage());
    }

    @Test
    void matmul_batchRowsTimesWeights() {
        TensorType t = ShapeRules.infer(Op.MATMUL, List.of(BATCH_4, TensorType.f32(4, 16)), Attr.NONE);
        assertEquals("f32[B,16]", t.toString());
    }

    @Test
    void sum_overBatch_keepDims() {
        TensorType t = ShapeRules.infer(Op.SUM, List.of(BATCH_4), new Attr.Axes(List.of(0), true));
        assertEquals(Shape.of(1, 4), t.shape());
        TensorType all = ShapeRules.infer(Op.MEAN, List.of(BATCH_4), new Attr.Axes(List.of(0, 1), false));
        assertTrue(all.shape().isScalar());
    }

    @Test
    void transpose_movingBatchOffAxisZero_isRejected() {
        assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.TRANSPOSE, List.of(BATCH_4), new Attr.Perm(List.of(1, 0))));
        TensorType t = ShapeRules.infer(Op.TRANSPOSE, List.of(TensorType.f32(2, 3)), new Attr.Perm(List.of(1, 0)));
        assertEquals(Shape.of(3, 2), t.shape());
    }

    @Test
    void reshape_keepsElementCountPerBatchRow() {
        TensorType img = TensorType.f32(Shape.BATCH, 8, 8);
        assertEquals(Shape.of(Shape.BATCH, 64),
                ShapeRules.infer(Op.RESHAPE, List.of(img), new Attr.To(Shape.of(Shape.BATCH, 64))).shape());
        assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.RESHAPE, List.of(img), new Attr.To(Shape.of(Shape.BATCH, 63))));
    }

    @Test
    void oneHot_needsIntegerLabels() {
        TensorType labels = new TensorType(DType.I32, Shape.of(Shape.BATCH));
        assertEquals("f32[B,10]", ShapeRules.infer(Op.ONE_HOT, List.of(labels), new Attr.Depth(10)).toString());
        assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.ONE_HOT, List.of(BATCH_4), new Attr.Depth(10)));
    }

    @Test
    void arithmeticOnLabels_isATypeError() {
        TensorType labels = new TensorType(DType.I32, Shape.of(Shape.BATCH));
        ShapeException e = assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.EXP, List.of(labels), Attr.NONE));
        assertTrue(e.getMessage().contains("one_hot"), e.getMessage());
    }

    @Test
    void wrongArity_isRejected() {
        assertThrows(ShapeException.class, () -> ShapeRules.infer(Op.ADD, List.of(BATCH_4), Attr.NONE));
    }

    private static final TensorType IMAGES = TensorType.f32(Shape.BATCH, 3, 7, 7);

    /** 3x3 window, stride 2, no padding, over 7x7: 3x3 output, and the last row and column are still read. */
    private static final Attr.Window STRIDED = new Attr.Window(3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 7, 7);

    @Test
    void conv2d_andItsAdjoints_haveTheShapesOfTheirCounterparts() {
        TensorType kernel = TensorType.f32(4, 3, 3, 3);
        TensorType y = ShapeRules.infer(Op.CONV2D, List.of(IMAGES, kernel), STRIDED);
        assertEquals(Shape.of(Shape.BATCH, 4, 3, 3), y.shape());
        assertEquals(IMAGES, ShapeRules.infer(Op.CONV2D_BACKWARD_INPUT, List.of(y, kernel), STRIDED));
        assertEquals(kernel, ShapeRules.infer(Op.CONV2D_BACKWARD_FILTER, List.of(IMAGES, y), STRIDED));
    }

    @Test
    void conv2d_channelMismatch_namesBothShapes() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> ShapeRules.infer(Op.CONV2D, List.of(IMAGES, TensorType.f32(4, 2, 3, 3)), STRIDED));
        assertEquals("conv2d: input [B,3,7,7] has 3 channels but kernel [4,2,3,3] expects 2", e.getMessage());
    }

    @Test
    void pooling_andItsBackwardOps_haveTheShapesOfTheirCounterparts() {
        TensorType y = ShapeRules.infer(Op.MAX_POOL2D, List.of(IMAGES), STRIDED);
        assertEquals(Shape.of(Shape.BATCH, 3, 3, 3), y.shape());
        assertEquals(IMAGES, ShapeRules.infer(Op.MAX_POOL2D_BACKWARD, List.of(IMAGES, y), STRIDED));
        assertEquals(y, ShapeRules.infer(Op.MAX_POOL2D_GATHER, List.of(IMAGES, IMAGES), STRIDED));
        assertEquals(y, ShapeRules.infer(Op.AVG_POOL2D, List.of(IMAGES), STRIDED));
        assertEquals(IMAGES, ShapeRules.infer(Op.AVG_POOL2D_BACKWARD, List.of(y), STRIDED));
    }

    @Test
    void pooling_paddingAboveHalfTheWindow_isRejected() {
        Attr.Window wide = new Attr.Window(3, 3, 1, 1, 2, 0, 0, 0, 1, 1, 7, 7);
        assertThrows(ShapeException.class, () -> ShapeRules.infer(Op.AVG_POOL2D, List.of(IMAGES), wide));
    }

    @Test
    void pow_broadcastsLikeTheOtherBinaryOps() {
        assertEquals("f32[B,4]", ShapeRules.infer(Op.POW, List.of(BATCH_4, TensorType.f32()), Attr.NONE).toString());
    }
}
