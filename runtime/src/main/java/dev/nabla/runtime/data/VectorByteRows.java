package dev.nabla.runtime.data;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A row of unsigned bytes decoded as {@code (b & 0xFF) / divisor}, a vector of bytes at a time: widened to ints,
 * masked to 0..255, converted to floats and divided lane by lane. Each lane is one IEEE division of the same two
 * floats the scalar path divides, so the floats are the ones the field's table holds ({@link Field} uses this only
 * after checking all 256 of them). Loaded by name, so that {@code Field} links without the incubator module.
 *
 * <p>Why: a training step gathers its batch from a byte field (IDX images) through the table, one element at a time,
 * 100,352 per W1 batch. That was 5-6% of a W1 step's samples on one thread; at two threads the helper does it ahead,
 * 13% of its samples (docs/benchmarks.md).
 */
final class VectorByteRows implements Field.ByteRows {

    /** The instance {@link Field} loads. */
    static final VectorByteRows INSTANCE = new VectorByteRows();

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** As many bytes as a float vector has lanes. */
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(FLOATS.length() * Byte.SIZE));

    private VectorByteRows() {
    }

    @Override
    public void decode(byte[] src, int from, float[] dest, int to, int n, float divisor) {
        int j = 0;
        for (int bound = BYTES.loopBound(n); j < bound; j += BYTES.length()) {
            IntVector wide = (IntVector) ByteVector.fromArray(BYTES, src, from + j)
                    .convertShape(VectorOperators.B2I, INTS, 0);
            ((FloatVector) wide.and(0xFF).convert(VectorOperators.I2F, 0)).div(divisor).intoArray(dest, to + j);
        }
        for (; j < n; j++) {
            dest[to + j] = (src[from + j] & 0xFF) / divisor;
        }
    }
}
