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
            if (st instanceof Stmt.For f) {
                s.append("for ").append(f.var()).append(" < ").append(f.extent()).append(":\n");
                stmts(f.body(), depth + 1, s);
                continue;
            }
            if (st instanceof Stmt.Store x) {
                s.append(x.buf()).append('[').append(x.index()).append("] = ").append(x.value());
            } else if (st instanceof Stmt.Let x) {
                s.append("float ").append(x.local()).append(" = ").append(x.value());
            } else if (st instanceof Stmt.AccInit x) {
                s.append("double ").append(x.acc()).append(" = ").append(x.value());
            } else if (st instanceof Stmt.Accum x) {
                s.append(x.acc()).append(x.op() == Stmt.AccOp.SUM ? " += " : " max= ").append(x.value());
            } else if (st instanceof Stmt.GemmCall g) {
                s.append(g.c()).append(g.accumulate() ? " += " : " = ")
                        .append(g.act() == dev.nabla.runtime.kernels.Gemm.ACT_RELU ? "relu(" : "(")
                        .append(g.a()).append(g.transA() ? "^T" : "").append(" @ ")
                        .append(g.b()).append(g.transB() ? "^T" : "")
                        .append(g.bias() == null ? "" : " + " + g.bias()).append(")  // gemm m=").append(g.m())
                        .append(" n=").append(g.n()).append(" k=").append(g.k());
            }
            s.append('\n');
        }
    }
}
