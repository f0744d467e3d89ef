package dev.nabla.compiler.lower;

import java.util.List;

/** The kernels of one entry point ({@code predict}, {@code trainStep} or {@code update}), run in order. */
public record Program(String entry, List<Kernel> kernels) {
    public Program {
        kernels = List.copyOf(kernels);
    }
}
