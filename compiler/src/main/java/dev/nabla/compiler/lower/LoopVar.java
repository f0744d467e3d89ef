package dev.nabla.compiler.lower;

/** A loop induction variable (an int), compared by identity. */
public final class LoopVar {
    private final String name;

    public LoopVar(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
