package dev.nabla.compiler;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.TrainConfig;

import java.util.Map;

/**
 * One model after the front end: its training graph (inputs, targets and parameters to the loss and
 * outputs), its inference graph (inputs and parameters to outputs), and its checked {@code train} block.
 * Both graphs name parameters and inputs identically.
 *
 * @param name          the model's name
 * @param sourceFile    path of the {@code .nabla} file that declares it
 * @param train         training graph: outputs are every OUTPUT plus the LOSS named {@code loss}
 * @param inference     inference graph: OUTPUTs only, no TARGET inputs
 * @param config        the train block (paths resolved against the model file), or {@link TrainConfig#EMPTY}
 * @param targetClasses number of classes of each integer-label target, by target name
 * @param evaluation    the inference graph with targets and the LOSS ({@code training} false), for evaluation;
 *                      null when the model has no loss or the graphs were built by hand
 */
public record ModelIr(String name, String sourceFile, Graph train, Graph inference, TrainConfig config,
                      Map<String, Integer> targetClasses, Graph evaluation) {

    public ModelIr {
        targetClasses = Map.copyOf(targetClasses);
    }

    /** Without an evaluation graph: evaluation then runs the training graph. */
    public ModelIr(String name, String sourceFile, Graph train, Graph inference, TrainConfig config,
                   Map<String, Integer> targetClasses) {
        this(name, sourceFile, train, inference, config, targetClasses, null);
    }

    /** Whether the model has a loss: one without can be run (predict), not trained, evaluated or differentiated. */
    public boolean trainable() {
        return !train.outputs(Graph.OutputRole.LOSS).isEmpty();
    }
}
