package dev.nabla.compiler.ir;

import java.util.List;
import java.util.stream.Collectors;

/** One instruction: {@code out = op(args) {attr}}, typed by {@code out}, positioned by {@code span}. */
public record Instr(Value out, Op op, List<Value> args, Attr attr, Span span) {

    public Instr {
        args = List.copyOf(args);
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
        return s.append(" : ").append(out.type()).append("  ").append(span).toString();
    }
}
