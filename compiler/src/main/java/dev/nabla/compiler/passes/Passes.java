package dev.nabla.compiler.passes;

import dev.nabla.compiler.ir.Graph;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The optimization pipeline: small pure {@code Graph -> Graph} passes in one flat, ordered list, run on every graph
 * a model compiles (training with its gradients, inference, evaluation). Each preserves what every output computes
 * (up to float rounding) and can be switched off by name ({@code --no-pass NAME}); tests run the verifier after each.
 * The last five regroup the graph into kernels (fused ops and inline marks, {@link #FUSION}), which lowering then
 * follows: with them off, each instruction is a kernel of its own.
 */
public final class Passes {

    /** A named pass. */
    public record Pass(String name, String does, UnaryOperator<Graph> run) {
    }

    public static final List<Pass> PIPELINE = List.of(
            new Pass("safer-forms", "log(softmax) to log_softmax, log(sigmoid) and log(1 + exp) to softplus",
                    SaferForms::apply),
            new Pass("fold-constants", "elementwise ops, broadcasts and reshapes of constants become constants",
                    ConstantFolding::apply),
            new Pass("simplify", "algebraic identities to a fixed point: x*1, x+0, --x, log(exp(x)), reshape of reshape, ...",
                    Simplification::apply),
            new Pass("cse", "common-subexpression elimination (never of random draws)", CommonSubexpressions::apply),
            new Pass("dead-code", "drops what no output needs", DeadCode::apply),
            new Pass("mask-reads-relu", "greater(a, 0) reads relu(a) when it is computed, leaving a to the ReLU alone",
                    MaskReadsRelu::apply),
            new Pass("fuse-matmul", "transposes into trans flags; bias row and ReLU, or any addend, into gemm_bias,"
                    + " gemm_bias_relu, gemm_acc", FuseMatmul::apply),
            new Pass("fuse-conv", "channel bias and ReLU into conv2d_bias[_relu]; the bias gradient into the filter"
                    + " gradient's kernel (conv2d_backward_bias)", FuseConv::apply),
            new Pass("fuse-pool-mask", "the ReLU backward mask behind a max pooling into max_pool2d_backward_relu",
                    FusePoolMask::apply),
            new Pass("fuse-elementwise", "marks values inline: elementwise trees computed in their reader's loop",
                    FuseElementwise::apply));

    /** The passes that regroup the graph into kernels; a layer-by-layer view (nabla summary) runs without them. */
    public static final Set<String> FUSION = Set.of("mask-reads-relu", "fuse-matmul", "fuse-conv", "fuse-pool-mask",
            "fuse-elementwise");

    private Passes() {
    }

    /** The pipeline's pass names, in order. */
    public static List<String> names() {
        return PIPELINE.stream().map(Pass::name).toList();
    }

    /** Checks names given to {@code --no-pass}; an unknown one is an error listing the passes. */
    public static void checkNames(Set<String> names) {
        for (String n : names) {
            if (!names().contains(n)) {
                throw new IllegalArgumentException("unknown pass '" + n + "'; the passes are " + String.join(", ", names()));
            }
        }
    }

    /** {@code g} after every pass not in {@code disabled}. */
    public static Graph run(Graph g, Set<String> disabled) {
        return run(g, disabled, (pass, after) -> true);
    }

    /** Sees the graph after each pass of the pipeline (switched off or not) and says whether to go on. */
    @FunctionalInterface
    public interface Observer {
        boolean after(Pass pass, Graph graph);
    }

    /** {@code g} after every pass not in {@code disabled}, up to the pass after which {@code observer} says stop. */
    public static Graph run(Graph g, Set<String> disabled, Observer observer) {
        checkNames(disabled);
        Graph cur = g;
        for (Pass p : PIPELINE) {
            if (!disabled.contains(p.name())) {
                cur = p.run().apply(cur);
            }
            if (!observer.after(p, cur)) {
                break;
            }
        }
        return cur;
    }

    /** A one-line description of each pass, for {@code --help}. */
    public static String describe() {
        return PIPELINE.stream().map(p -> p.name() + ": " + p.does()).collect(Collectors.joining("\n"));
    }
}
