package dev.nabla.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector products must not depend on C2 happening to inline a Vector API helper that is not forced inline.
 * {@code FloatVector.fromArray} with an index map (a gather) is intrinsified only when {@code IntVector.species} is
 * inlined into it, which C2 decides from the profile: in about one JVM in fifteen it was not, and packing a transposed
 * B fell back to Java code that allocated on every product (NoAllocationTest failed in CI). Here the child JVM is told
 * never to inline that helper, so the fallback is certain for any code that still leans on it.
 */
class StingyInliningTest {

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void productsAllocateNothingWhenTheVectorApiHelpersAreNotInlined(int threads) throws Exception {
        String output = ChildJvm.run(List.of("--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet",
                        "-XX:CompileCommand=dontinline,jdk.incubator.vector.IntVector::species"),
                System.getProperty("java.class.path"), StingyInliningMain.class, String.valueOf(threads));
        assertEquals("allocated 0 bytes", output.lines().filter(l -> l.startsWith("allocated")).findFirst()
                .orElse(output));
    }
}
