package dev.nabla.compiler.lower;

import java.util.List;

/** The readable text of programs: one block per kernel, loops indented, buffers by their model names. */
public final class Listing {

    private Listing() {
    }

    public static String print(Program p) {
        StringBuilder s = new StringBuilder(p.entry()).append(":\n");
        for (Kernel k : p.kernels()) {
            s.append("  kernel ").append(k.name()).append("  // ").append(k.comment())
                    .append("  @").append(k.span().fileName()).append(':').append(k.span().line()).append('\n');
            stmts(k.body(), 2, s);
        }
        return s.toString();
    }

    private static void stmts(List<Stmt> body, int depth, StringBuilder s) {
        for (Stmt st : body) {
            s.append("  ".repeat(depth));
            switch (st.kind()) {
                case FOR -> {
                    Stmt.For f = (Stmt.For) st;
                    s.append("for ").append(f.var()).append(" < ").append(f.extent()).append(":\n");
                    stmts(f.body(), depth + 1, s);
                    continue;
                }
                case STORE -> {
                    Stmt.Store x = (Stmt.Store) st;
                    s.append(x.buf()).append('[').append(x.index()).append("] = ").append(x.value());
                }
                case LET -> {
                    Stmt.Let x = (Stmt.Let) st;
                    s.append("float ").append(x.local()).append(" = ").append(x.value());
                }
                case ACC_INIT -> {
                    Stmt.AccInit x = (Stmt.AccInit) st;
                    s.append("double ").append(x.acc()).append(" = ").append(x.value());
                }
                case ACCUM -> {
                    Stmt.Accum x = (Stmt.Accum) st;
                    s.append(x.acc()).append(x.op() == Stmt.AccOp.SUM ? " += " : " max= ").append(x.value());
                }
                case GEMM -> {
                    Stmt.GemmCall g = (Stmt.GemmCall) st;
                    s.append(g.c()).append(g.accumulate() ? " += " : " = ")
                            .append(g.act() == dev.nabla.runtime.kernels.Gemm.ACT_RELU ? "relu(" : "(")
                            .append(g.a()).append(g.transA() ? "^T" : "").append(" @ ")
                            .append(g.b()).append(g.transB() ? "^T" : "")
                            .append(g.bias() == null ? "" : " + " + g.bias()).append(")  // gemm m=").append(g.m())
                            .append(" n=").append(g.n()).append(" k=").append(g.k());
                }
                case CALL -> {
                    Stmt.Call c = (Stmt.Call) st;
                    s.append(c.writes().stream().map(Buf::toString).collect(java.util.stream.Collectors.joining(", ")))
                            .append(" = ").append(c);
                }
            }
            s.append('\n');
        }
    }
}
