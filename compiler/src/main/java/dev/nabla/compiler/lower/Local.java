package dev.nabla.compiler.lower;

/**
 * A scalar local of a kernel, compared by identity: a float value ({@link Stmt.Let}) or a double
 * accumulator ({@link Stmt.AccInit}, {@link Stmt.Accum}).
 */
public final class Local {
    private final String name;
    private final boolean accumulator;

    public Local(String name, boolean accumulator) {
        this.name = name;
        this.accumulator = accumulator;
    }

    public String name() {
        return name;
    }

    public boolean accumulator() {
        return accumulator;
    }

    @Override
    public String toString() {
        return name;
    }
}
