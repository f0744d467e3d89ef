package dev.nabla.onnx;

import dev.nabla.compiler.ir.Graph;
import dev.nabla.compiler.ir.Instr;
import dev.nabla.compiler.ir.Shape;
import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.ir.Value;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX graph being written for one IR graph: which tensor name holds each IR value, the nodes in order, and the
 * initializers. Parameters and state become initializers named like the checkpoint's tensors, written only when a
 * node reads them. Each node records the model line it comes from in its {@code doc_string}.
 */
final class OnnxGraph {

    private final Graph ir;
    private final Map<String, float[]> weights;
    /** The graph's PARAM and STATE inputs. */
    private final Set<Value> weightInputs = new HashSet<>();
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<Value, String> names = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private final Set<Value> readWeights = new LinkedHashSet<>();
    private final Map<Integer, String> scalars = new HashMap<>();
    private String batchSize;
    private Span span = Span.NONE;
    private int nodes;

    /**
     * @param weights every PARAM and STATE input's values, by name
     * @param reserved names the graph's inputs and outputs take, which no other tensor may have
     */
    OnnxGraph(Graph ir, Map<String, float[]> weights, Set<String> reserved) {
        this.ir = ir;
        this.weights = weights;
        used.addAll(reserved);
        for (Graph.Input in : ir.inputs()) {
            if (in.role() == Graph.InputRole.PARAM || in.role() == Graph.InputRole.STATE) {
                weightInputs.add(in.value());
                names.put(in.value(), in.value().name());
                used.add(in.value().name());
            }
        }
    }

    GraphProto.Builder proto() {
        return graph;
    }

    int nodeCount() {
        return nodes;
    }

    /** The model line the following nodes come from. */
    void at(Span s) {
        span = s;
    }

    /** The tensor holding {@code v}; reading a parameter or state makes it an initializer. */
    String tensor(Value v) {
        if (weightInputs.contains(v)) {
            readWeights.add(v);
        }
        return names.computeIfAbsent(v, x -> fresh(x.name()));
    }

    /** The tensor an instruction's exporter must write. */
    String out(Instr i) {
        return tensor(i.out());
    }

    /** Makes {@code name} the tensor of {@code v} (an input after preprocessing, an output's declared name). */
    void bind(Value v, String name) {
        used.add(name);
        names.put(v, name);
    }

    boolean bound(Value v) {
        return names.containsKey(v);
    }

    /** An unused tensor name based on {@code hint}. */
    String fresh(String hint) {
        if (used.add(hint)) {
            return hint;
        }
        int n = counters.getOrDefault(hint, 0);
        String candidate;
        do {
            n++;
            candidate = hint + "." + n;
        } while (!used.add(candidate));
        counters.put(hint, n);
        return candidate;
    }

    /** Appends a node writing {@code outputs} ("" leaves an optional output out); returns the first output. */
    String node(String op, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + nodes++)
                .addAllInput(inputs).addAllOutput(outputs).setDocString(span.fileName() + ":" + span.line() + ":" + span.column());
        n.addAllAttribute(Arrays.asList(attrs));
        graph.addNode(n);
        return outputs.get(0);
    }

    String node(String op, List<String> inputs, String output, AttributeProto... attrs) {
        return node(op, inputs, List.of(output), attrs);
    }

    /** A node writing a fresh tensor named after {@code hint}. */
    String temp(String hint, String op, List<String> inputs, AttributeProto... attrs) {
        return node(op, inputs, fresh(hint), attrs);
    }

    /** A 1-D int64 initializer. */
    String int64s(String hint, long... values) {
        String name = fresh(hint);
        graph.addInitializer(Protos.int64s(name, values));
        return name;
    }

    /** A float initializer. */
    String floats(String hint, long[] dims, float[] data) {
        String name = fresh(hint);
        graph.addInitializer(Protos.floats(name, dims, data));
        return name;
    }

    /** A scalar float initializer, one per value however many nodes read it. */
    String scalar(float value) {
        return scalars.computeIfAbsent(Float.floatToIntBits(value),
                bits -> floats("c" + Float.toString(value), new long[0], new float[] {value}));
    }

    /** The values of a parameter or state input, or null when {@code v} is anything else. */
    float[] weight(Value v) {
        return weightInputs.contains(v) ? weights.get(v.name()) : null;
    }

    /** A 1-element int64 tensor holding the batch size, read from the first batched input's shape (once). */
    String batchSize() {
        if (batchSize == null) {
            Value source = ir.inputs(Graph.InputRole.INPUT).stream().filter(in -> in.value().shape().batched())
                    .map(Graph.Input::value).findFirst()
                    .orElseThrow(() -> new IllegalStateException("graph " + ir.name() + " has no batched input to read B from"));
            String raw = source.name();
            batchSize = node("Shape", List.of(raw), fresh("B"), Protos.attr("start", 0L), Protos.attr("end", 1L));
        }
        return batchSize;
    }

    /** A 1-D int64 tensor of {@code s}'s dimensions, B computed from the inputs. */
    String shape(Shape s) {
        long[] dims = s.dims().stream().mapToLong(d -> d == Shape.BATCH ? 1 : d).toArray();
        if (!s.batched()) {
            return int64s("shape", dims);
        }
        String rest = int64s("shape", Arrays.copyOfRange(dims, 1, dims.length));
        return temp("shape", "Concat", List.of(batchSize(), rest), Protos.attr("axis", 0L));
    }

    /** Writes an initializer for every parameter and state a node read. */
    void addWeightInitializers() {
        for (Value v : readWeights) {
            float[] values = weights.get(v.name());
            if (values == null) {
                throw new IllegalStateException("no values for " + v.name() + " among the weights of " + ir.name());
            }
            graph.addInitializer(Protos.floats(v.name(), Protos.longs(v.shape().dims()), values));
        }
    }
}
