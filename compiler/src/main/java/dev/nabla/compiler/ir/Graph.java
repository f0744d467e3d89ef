package dev.nabla.compiler.ir;

import java.util.List;

/**
 * An immutable dataflow graph in SSA form: inputs, a topologically ordered body, named outputs.
 * Forward (training and inference) and backward graphs have the same form.
 */
public record Graph(String name, List<Input> inputs, List<Instr> body, List<Output> outputs) {

    /** What a graph input is bound to at run time. */
    public enum InputRole { INPUT, TARGET, PARAM, STATE }

    /**
     * What a graph output means to the runtime. HEALTH outputs are training diagnostics the compiler adds to the
     * training step (per-unit activity counts of activations, see {@code health.ActivityProbes}).
     */
    public enum OutputRole { OUTPUT, LOSS, GRAD, STATE_UPDATE, HEALTH }

    /**
     * @param value the SSA value
     * @param role  how it is bound
     * @param init  for PARAM/STATE, the initializer; otherwise null
     * @param span  where it is declared
     */
    public record Input(Value value, InputRole role, dev.nabla.runtime.InitSpec init, Span span) {
    }

    /**
     * @param name  external name (output name, "loss", the parameter name for GRAD, the state name)
     * @param value the value returned
     * @param role  meaning
     */
    public record Output(String name, Value value, OutputRole role) {
    }

    public Graph {
        inputs = List.copyOf(inputs);
        body = List.copyOf(body);
        outputs = List.copyOf(outputs);
    }

    public List<Input> inputs(InputRole role) {
        return inputs.stream().filter(i -> i.role() == role).toList();
    }

    public List<Output> outputs(OutputRole role) {
        return outputs.stream().filter(o -> o.role() == role).toList();
    }

    public Graph withBody(List<Instr> newBody, List<Output> newOutputs) {
        return new Graph(name, inputs, newBody, newOutputs);
    }

    @Override
    public String toString() {
        return IrPrinter.print(this);
    }
}
