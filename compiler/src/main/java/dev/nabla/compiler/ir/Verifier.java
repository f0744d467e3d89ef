package dev.nabla.compiler.ir;

import dev.nabla.compiler.shape.ShapeException;
import dev.nabla.compiler.shape.ShapeRules;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks the invariants every pass must keep: SSA (every value defined once, before its uses; input
 * names unique), each use typed as its definition, arity, each instruction's type equal to its op's
 * shape rule (CONSTANT excepted: it is an f32 whose shape the builder chose), a span on every input and
 * instruction, outputs naming defined values, a scalar LOSS, and each STATE_UPDATE named after a STATE input of
 * its type, at most once (the runtime copies it into that state's buffer). Two invariants of fused graphs: a
 * conv2d_backward_bias directly follows the conv2d_backward_filter it names, which reads the same gradient (that
 * kernel writes both); an inline value is an expression op ({@link Op#expression}), no output, and read only by
 * operands that read elementwise ({@link Op#readsElementwise}), since it gets no storage.
 */
public final class Verifier {

    /** An IR invariant is broken; the message holds the offending line as {@link IrPrinter} prints it. */
    public static final class VerifyException extends IllegalStateException {
        VerifyException(Graph g, String line, String problem) {
            super("graph " + g.name() + ": " + problem + "\n  " + line);
        }
    }

    private Verifier() {
    }

    /** Returns the graph unchanged when valid, so calls chain: {@code verify(pass.run(g))}. */
    public static Graph verify(Graph g) {
        Map<String, Value> defined = new HashMap<>();
        for (Graph.Input in : g.inputs()) {
            String line = in.role().name().toLowerCase() + " " + in.value() + " : " + in.value().type();
            if (in.span() == null) {
                throw new VerifyException(g, line, "input has no source span");
            }
            if (defined.put(in.value().name(), in.value()) != null) {
                throw new VerifyException(g, line, "input " + in.value() + " is declared twice");
            }
        }
        Instr previous = null;
        for (Instr i : g.body()) {
            checkInstr(g, i, defined);
            if (i.op() == Op.CONV2D_BACKWARD_BIAS) {
                checkBiasGradient(g, i, previous);
            }
            defined.put(i.out().name(), i.out());
            previous = i;
        }
        checkInline(g);
        java.util.Set<String> updated = new java.util.HashSet<>();
        for (Graph.Output o : g.outputs()) {
            checkOutput(g, o, defined);
            if (o.role() == Graph.OutputRole.STATE_UPDATE) {
                checkStateUpdate(g, o, updated);
            }
        }
        return g;
    }

    private static void checkInstr(Graph g, Instr i, Map<String, Value> defined) {
        String line = i.toString();
        if (i.span() == null) {
            throw new VerifyException(g, line, "instruction has no source span");
        }
        if (defined.containsKey(i.out().name())) {
            throw new VerifyException(g, line, i.out() + " is defined twice");
        }
        if (i.args().size() != i.op().arity()) {
            throw new VerifyException(g, line, i.op().mnemonic() + " takes " + i.op().arity()
                    + " operand(s), got " + i.args().size());
        }
        for (Value a : i.args()) {
            Value def = defined.get(a.name());
            if (def == null) {
                throw new VerifyException(g, line, a + " is used before it is defined");
            }
            if (!def.type().equals(a.type())) {
                throw new VerifyException(g, line, a + " is used as " + a.type() + " but defined as " + def.type());
            }
        }
        checkType(g, i, line);
    }

    private static void checkBiasGradient(Graph g, Instr i, Instr previous) {
        if (previous == null || previous.op() != Op.CONV2D_BACKWARD_FILTER || !previous.out().equals(i.args().get(1))
                || !previous.args().get(1).equals(i.args().get(0))) {
            throw new VerifyException(g, i.toString(), "conv2d_backward_bias must directly follow the"
                    + " conv2d_backward_filter it names, of the same gradient");
        }
    }

    private static void checkInline(Graph g) {
        java.util.Set<Value> inline = new java.util.HashSet<>();
        for (Instr i : g.body()) {
            if (i.inline() && !i.op().expression()) {
                throw new VerifyException(g, i.toString(), i.op().mnemonic() + " is not an expression and cannot be inline");
            }
            if (i.inline()) {
                inline.add(i.out());
            }
            for (int k = 0; k < i.args().size(); k++) {
                if (inline.contains(i.args().get(k)) && !i.op().readsElementwise(k)) {
                    throw new VerifyException(g, i.toString(), "operand " + i.args().get(k) + " is inline, but "
                            + i.op().mnemonic() + " reads operand " + k + " whole, from storage");
                }
            }
        }
        for (Graph.Output o : g.outputs()) {
            if (inline.contains(o.value())) {
                throw new VerifyException(g, o.role().name().toLowerCase() + " " + o.name() + " = " + o.value(),
                        "an output is stored, never inline");
            }
        }
    }

    private static void checkType(Graph g, Instr i, String line) {
        if (i.op() == Op.CONSTANT) {
            if (!(i.attr() instanceof Attr.Const) || i.out().dtype() != DType.F32) {
                throw new VerifyException(g, line, "a constant needs a value and type f32");
            }
            return;
        }
        TensorType expected;
        try {
            expected = ShapeRules.infer(i.op(), i.args().stream().map(Value::type).toList(), i.attr());
        } catch (ShapeException | ClassCastException e) {
            throw new VerifyException(g, line, "shape rule rejects the operands: " + e.getMessage());
        }
        if (!expected.equals(i.out().type())) {
            throw new VerifyException(g, line, "type should be " + expected + " by the shape rule of "
                    + i.op().mnemonic());
        }
    }

    private static void checkStateUpdate(Graph g, Graph.Output o, java.util.Set<String> updated) {
        String line = "state_update " + o.name() + " = " + o.value();
        Graph.Input state = g.inputs(Graph.InputRole.STATE).stream().filter(in -> in.value().name().equals(o.name()))
                .findFirst().orElseThrow(() -> new VerifyException(g, line, "there is no state input " + o.name()));
        if (!state.value().type().equals(o.value().type())) {
            throw new VerifyException(g, line, "the update is " + o.value().type() + " but the state is "
                    + state.value().type());
        }
        if (!updated.add(o.name())) {
            throw new VerifyException(g, line, "state " + o.name() + " is updated twice");
        }
    }

    private static void checkOutput(Graph g, Graph.Output o, Map<String, Value> defined) {
        String line = o.role().name().toLowerCase() + " " + o.name() + " = " + o.value();
        Value def = defined.get(o.value().name());
        if (def == null || !def.type().equals(o.value().type())) {
            throw new VerifyException(g, line, "output refers to an undefined value");
        }
        if (o.role() == Graph.OutputRole.LOSS && !o.value().shape().isScalar()) {
            throw new VerifyException(g, line, "the loss must be a scalar, got " + o.value().type());
        }
    }
}
