package dev.nabla.onnx;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.Version;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Value;
import dev.nabla.compiler.passes.Passes;
import dev.nabla.runtime.checkpoint.AtomicFiles;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's inference graph and weights as an ONNX model: opset {@value #OPSET}, IR version {@value #IR_VERSION}
 * (what ONNX 1.12, the checker in Debian 12, knows), the batch dimension symbolic ({@code B}), inputs and outputs
 * named as the model declares them, parameters and state as initializers, and the checkpoint's preprocessing as the
 * first nodes, so the model takes raw features as {@code nabla predict} does.
 *
 * <p>The graph exported is the front end's inference graph after only the {@code safer-forms} pass (dead
 * instructions dropped): the numerically safer forms change what is computed, and nabla predict computes them, so
 * they are kept; the structural passes (folding, simplification, CSE) are left to the ONNX runtime's own optimizer,
 * and would blur the std library's forms of batch_norm and gru, which {@link BatchNormPattern} and
 * {@link GruPattern} recognize and write as ONNX's own operators. Every other instruction goes through the op table
 * {@link OpExporters}.
 */
public final class OnnxExport {

    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;

    private static final List<LayerPattern> LAYERS = List.of(new GruPattern(), new BatchNormPattern());

    /** What was written: the model, and how many of each layer operator were recognized. */
    public record Result(ModelProto model, Map<String, Integer> layers, int nodes) {
    }

    private OnnxExport() {
    }

    /** Exports {@code model} with the checkpoint's weights and preprocessing to {@code file}, atomically. */
    public static Result write(ModelIr model, ExportWeights weights, Path file) {
        Result r = export(model, weights);
        AtomicFiles.write(file, r.model().toByteArray());
        return r;
    }

    /**
     * @throws OnnxExportException when an instruction has no ONNX form (naming the op and the model line)
     */
    public static Result export(ModelIr model, ExportWeights weights) {
        Graph g = prepare(model.inference());
        GraphIndex index = new GraphIndex(g);
        Map<Instr, LayerPattern.Match> layers = recognize(index);
        Set<Instr> covered = new HashSet<>();
        layers.values().forEach(m -> covered.addAll(m.covered()));

        OnnxGraph og = new OnnxGraph(g, weights.tensors(), reservedNames(g));
        og.proto().setName(model.name());
        int inputs = g.inputs(Graph.InputRole.INPUT).size();
        for (Graph.Input in : g.inputs(Graph.InputRole.INPUT)) {
            og.proto().addInput(Protos.valueInfo(in.value().name(), in.value().type()));
            og.at(in.span());
            og.bind(in.value(), PreprocessingOps.apply(og, in.value(), weights.preprocessing(), inputs));
        }
        claimOutputNames(g, og);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Instr i : g.body()) {
            og.at(i.span());
            LayerPattern.Match m = layers.get(i);
            if (m != null) {
                m.emit().accept(og);
                counts.merge(m.operator(), 1, Integer::sum);
            } else if (!covered.contains(i)) {
                OpExporters.TABLE.get(i.op()).export(i, og);
            }
        }
        for (Graph.Output o : g.outputs(Graph.OutputRole.OUTPUT)) {
            String t = og.tensor(o.value());
            if (!t.equals(o.name())) {
                og.node("Identity", List.of(t), o.name());
            }
            og.proto().addOutput(Protos.valueInfo(o.name(), o.value().type()));
        }
        og.addWeightInitializers();
        ModelProto proto = ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("nabla").setProducerVersion(Version.VERSION)
                .setDocString("model " + model.name() + " of " + Path.of(model.sourceFile()).getFileName())
                .setGraph(og.proto()).build();
        return new Result(proto, counts, og.nodeCount());
    }

    /**
     * The graph exported: the inference graph after the safer-forms pass, without instructions no output needs
     * (a draw nothing reads is no error).
     */
    static Graph prepare(Graph inference) {
        Set<String> off = new HashSet<>(Passes.names());
        off.remove("safer-forms");
        Graph g = Passes.run(inference, off);
        Set<Value> live = new HashSet<>();
        g.outputs().forEach(o -> live.add(o.value()));
        List<Instr> kept = new ArrayList<>();
        for (int k = g.body().size() - 1; k >= 0; k--) {
            Instr i = g.body().get(k);
            if (live.contains(i.out())) {
                live.addAll(i.args());
                kept.add(0, i);
            }
        }
        return g.withBody(kept, g.outputs(Graph.OutputRole.OUTPUT));
    }

    /**
     * Layers recognized, by the instruction computing their result. Walks from the last instruction back, so a layer
     * is found from its result before any part of it is taken for a smaller layer; layers never overlap.
     */
    private static Map<Instr, LayerPattern.Match> recognize(GraphIndex index) {
        Map<Instr, LayerPattern.Match> found = new HashMap<>();
        Set<Instr> covered = new HashSet<>();
        List<Instr> body = index.graph().body();
        for (int k = body.size() - 1; k >= 0; k--) {
            Instr root = body.get(k);
            if (covered.contains(root)) {
                continue;
            }
            for (LayerPattern p : LAYERS) {
                LayerPattern.Match m = p.match(root, index);
                if (m != null && m.covered().stream().noneMatch(covered::contains)) {
                    found.put(root, m);
                    covered.addAll(m.covered());
                    break;
                }
            }
        }
        return found;
    }

    /** The inputs' and outputs' declared names, and every parameter's: no intermediate tensor may take one. */
    private static Set<String> reservedNames(Graph g) {
        Set<String> names = new LinkedHashSet<>();
        g.inputs().forEach(in -> names.add(in.value().name()));
        g.outputs().forEach(o -> names.add(o.name()));
        return names;
    }

    /** An output computed by an instruction is written under the output's name directly, not through Identity. */
    private static void claimOutputNames(Graph g, OnnxGraph og) {
        Set<Value> inputs = new HashSet<>();
        g.inputs().forEach(in -> inputs.add(in.value()));
        for (Graph.Output o : g.outputs(Graph.OutputRole.OUTPUT)) {
            if (!inputs.contains(o.value()) && !og.bound(o.value())) {
                og.bind(o.value(), o.name());
            }
        }
    }
}
