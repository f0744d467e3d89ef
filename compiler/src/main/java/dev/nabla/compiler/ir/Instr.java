package dev.nabla.compiler.ir;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One instruction: {@code out = op(args) {attr}}, typed by {@code out}, positioned by {@code span}. {@code inline}
 * marks a value the elementwise-fusion pass left without storage: each reader's loop computes it where it reads it
 * (printed {@code inline} after the type). Only that pass sets it; a pass that rebuilds an instruction drops it.
 */
public record Instr(Value out, Op op, List<Value> args, Attr attr, Span span, boolean inline) {

    public Instr {
        args = List.copyOf(args);
    }

    public Instr(Value out, Op op, List<Value> args, Attr attr, Span span) {
        this(out, op, args, attr, span, false);
    }

    /** This instruction, computed inline in its readers or not. */
    public Instr inlined(boolean inline) {
        return new Instr(out, op, args, attr, span, inline);
    }

    /**
     * The result's hash: instructions are set and map keys in the fusion passes, and the record's own hash walked the
     * operands, attribute and span. Equal instructions have equal results, so this agrees with equals.
     */
    @Override
    public int hashCode() {
        return out.hashCode();
    }

    /** {@code %h1 = matmul %x, %hidden1.W : f32[B,256]  @mlp.nabla:6:9} */
    @Override
    public String toString() {
        String a = attr.toString();
        String operands = args.stream().map(Value::toString).collect(Collectors.joining(", "));
        StringBuilder s = new StringBuilder().append(out).append(" = ").append(op.mnemonic());
        if (!operands.isEmpty()) {
            s.append(' ').append(operands);
        }
        if (!a.isEmpty()) {
            s.append(operands.isEmpty() ? " " : " {").append(a).append(operands.isEmpty() ? "" : "}");
        }
        s.append(" : ").append(out.type());
        if (inline) {
            s.append(" inline");
        }
        return s.append("  ").append(span).toString();
    }
}
