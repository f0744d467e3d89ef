package dev.nabla.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link ConvBenchmark} with the plain-Java kernels ({@code -Dnabla.vector=false}). */
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dnabla.vector=false"})
public class ScalarConvBenchmark extends ConvBenchmark {
}
