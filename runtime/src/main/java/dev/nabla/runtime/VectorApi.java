package dev.nabla.runtime;

/**
 * Whether Nabla's kernels use the Vector API: the one rule for every place that picks a kernel family. A generated
 * model's static initializer calls {@link #enabled()} to choose its {@code $V} or {@code $S} kernels, the runtime's
 * {@code Gemm}, {@code Conv2d} and {@code Pool2d} call it to choose theirs, and the compiler calls it to emit first
 * the family the running JVM will load. Two rules that disagree on one setting would run vector model kernels with
 * scalar matrix products (or the reverse), and a compile would emit the family nothing loads.
 *
 * <p>The answer is read afresh on each call, so a class initialised after the property changed sees the new value;
 * every user reads it once, when its class is initialised.
 */
public final class VectorApi {

    /** The system property that switches the Vector API off: {@code -Dnabla.vector=false}. */
    public static final String PROPERTY = "nabla.vector";

    /** The incubator module the vector kernels need ({@code --add-modules jdk.incubator.vector}). */
    public static final String MODULE = "jdk.incubator.vector";

    private VectorApi() {
    }

    /** Whether the vector kernels are used now: {@link #enabled(String)} of the property's current value. */
    public static boolean enabled() {
        return enabled(System.getProperty(PROPERTY));
    }

    /**
     * The rule for a value of {@link #PROPERTY} ({@code null} when it is unset): on when the JVM has {@link #MODULE},
     * unless the value is {@code false} in any case ({@code -Dnabla.vector=FALSE} is as off as {@code false}).
     */
    public static boolean enabled(String property) {
        return !"false".equalsIgnoreCase(property) && ModuleLayer.boot().findModule(MODULE).isPresent();
    }
}
