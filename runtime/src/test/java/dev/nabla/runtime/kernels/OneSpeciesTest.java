package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertSame;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Every vector kernel of the runtime, and the generated kernels (which load {@code FloatVector.SPECIES_PREFERRED}),
 * use one species. With a second one in the same JVM, the Vector API's shared code sees two vector classes in its type
 * profiles and C2 compiles its allocating fallbacks instead of the intrinsics: on an AVX-512 machine the convolutions,
 * on 256-bit vectors while the products ran on 512-bit ones, trained W2 at a third of the speed (see
 * {@link VectorConvTiles#S}). On a machine whose preferred vectors are 256 bits wide the old choice could not be told
 * apart; there the allocation tests could not catch it either.
 */
class OneSpeciesTest {

    @Test
    void productsConvolutionsAndPoolingUseThePreferredSpecies() {
        assertSame(FloatVector.SPECIES_PREFERRED, VectorTiles.S, "matrix products");
        assertSame(FloatVector.SPECIES_PREFERRED, VectorConvTiles.S, "convolutions");
        assertSame(FloatVector.SPECIES_PREFERRED, VectorPool2d.S, "pooling");
    }
}
