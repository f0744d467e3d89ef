package dev.nabla.compiler.codegen;

/** Prints the listing of the hand-built MLP (a development aid: {@code java ... ListingMain}). */
final class ListingMain {
    public static void main(String[] args) {
        System.out.println(ModelCompiler.compile(Graphs.mlp(true), dev.nabla.runtime.OptimizerSpec.sgd(0.1, 0.9, 1e-4)).listing());
    }
}
