package dev.nabla.compiler.codegen;

import dev.nabla.compiler.lower.Buf;
import dev.nabla.compiler.lower.Expr;
import dev.nabla.compiler.lower.Stmt;

import java.util.List;
import java.util.Set;

/** Walks loop IR to find the buffers a kernel touches (each gets a local at method entry). */
final class BufferUse {

    private BufferUse() {
    }

    static void collect(List<Stmt> body, Set<Buf> out) {
        for (Stmt s : body) {
            if (s instanceof Stmt.For f) {
                collect(f.body(), out);
            } else if (s instanceof Stmt.Store st) {
                out.add(st.buf());
                collect(st.value(), out);
            } else if (s instanceof Stmt.Let let) {
                collect(let.value(), out);
            } else if (s instanceof Stmt.Accum acc) {
                collect(acc.value(), out);
            } else if (s instanceof Stmt.GemmCall g) {
                out.add(g.a());
                out.add(g.b());
                out.add(g.c());
                if (g.bias() != null) {
                    out.add(g.bias());
                }
            }
        }
    }

    static void collect(Expr e, Set<Buf> out) {
        if (e instanceof Expr.Load l) {
            out.add(l.buf());
        } else if (e instanceof Expr.Unary u) {
            collect(u.a(), out);
        } else if (e instanceof Expr.Binary b) {
            collect(b.a(), out);
            collect(b.b(), out);
        } else if (e instanceof Expr.Select s) {
            collect(s.cond(), out);
            collect(s.a(), out);
            collect(s.b(), out);
        }
    }
}
