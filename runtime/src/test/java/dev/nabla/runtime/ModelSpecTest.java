package dev.nabla.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelSpecTest {

    private static final ModelSpec SPEC = new ModelSpec("Iris", "iris.nabla", List.of(
            new BufferSpec("W", BufferRole.PARAM, new int[] {4, 3}),
            new BufferSpec("x", BufferRole.INPUT, new int[] {BufferSpec.BATCH, 4})),
            OptimizerSpec.defaults(OptimizerSpec.Kind.SGD), TrainConfig.EMPTY);

    @Test
    void allocate_batchWhoseBuffersDoNotFitAJavaArray_isAUserErrorNamingTheBuffer() {
        NablaException e = assertThrows(NablaException.class, () -> SPEC.allocate(2_000_000_000));
        assertEquals("batch 2000000000 is too large: x [B, 4] would need more than the 2147483647 elements a Java array"
                + " holds", e.getMessage());
        assertEquals(8, SPEC.allocate(2)[1].length);
    }

    @Test
    void size_neverOverflows() {
        BufferSpec huge = new BufferSpec("h", BufferRole.TEMP, new int[] {BufferSpec.BATCH, 65536, 65536, 65536});
        assertThrows(NablaException.class, () -> huge.size(Integer.MAX_VALUE));
    }
}
