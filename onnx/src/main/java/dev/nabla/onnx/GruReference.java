package dev.nabla.onnx;

import dev.nabla.compiler.Compilation;
import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Value;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What std.nabla's {@code gru} elaborates to for one geometry: the inference graph of a model that only calls it,
 * prepared as the exporter prepares every graph. A value computed exactly as this graph's output is a GRU layer,
 * whoever wrote it; its inputs are the sequence and PyTorch's four tensors.
 *
 * @param steps     T of the [B, T, F] sequence
 * @param sequences {@code return_sequences}: the result is every step's state [B, T, H], not the last [B, H]
 */
record GruReference(int steps, int features, int units, boolean sequences, GraphIndex index, Value x,
                    Value weightIh, Value weightHh, Value biasIh, Value biasHh, Value result) {

    private record Key(int steps, int features, int units, boolean sequences) {
    }

    private static final Map<Key, GruReference> CACHE = new ConcurrentHashMap<>();

    static GruReference of(int steps, int features, int units, boolean sequences) {
        return CACHE.computeIfAbsent(new Key(steps, features, units, sequences), GruReference::build);
    }

    private static GruReference build(Key k) {
        String source = "model GruReference {\n"
                + "    input x : f32[B, " + k.steps() + ", " + k.features() + "]\n"
                + "    output h = gru(x, " + k.units() + ", return_sequences = " + k.sequences() + ")\n"
                + "}\n";
        Compilation c = Compiler.compileSource("gru-reference.nabla", source);
        if (!c.ok()) {
            throw new IllegalStateException("the GRU reference does not compile:\n" + c.render());
        }
        Graph g = OnnxExport.prepare(c.models().get(0).inference());
        return new GruReference(k.steps(), k.features(), k.units(), k.sequences(), new GraphIndex(g),
                g.inputs(Graph.InputRole.INPUT).get(0).value(), param(g, "weight_ih"), param(g, "weight_hh"),
                param(g, "bias_ih"), param(g, "bias_hh"), g.outputs().get(0).value());
    }

    private static Value param(Graph g, String suffix) {
        return g.inputs(Graph.InputRole.PARAM).stream().map(Graph.Input::value)
                .filter(v -> v.name().endsWith("." + suffix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("std.nabla's gru has no parameter " + suffix));
    }
}
