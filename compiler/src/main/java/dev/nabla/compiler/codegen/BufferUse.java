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
            switch (s.kind()) {
                case FOR -> collect(((Stmt.For) s).body(), out);
                case STORE -> {
                    out.add(((Stmt.Store) s).buf());
                    collect(((Stmt.Store) s).value(), out);
                }
                case LET -> collect(((Stmt.Let) s).value(), out);
                case ACC_INIT -> { }
                case ACCUM -> collect(((Stmt.Accum) s).value(), out);
                case GEMM -> {
                    Stmt.GemmCall g = (Stmt.GemmCall) s;
                    out.add(g.a());
                    out.add(g.b());
                    out.add(g.c());
                    if (g.bias() != null) {
                        out.add(g.bias());
                    }
                }
                case CALL -> {
                    for (Stmt.Arg a : ((Stmt.Call) s).args()) {
                        if (a instanceof Stmt.Arg.Floats f && f.buf() != null) {
                            out.add(f.buf());
                        }
                    }
                }
            }
        }
    }

    static void collect(Expr e, Set<Buf> out) {
        switch (e.kind()) {
            case LOAD -> out.add(((Expr.Load) e).buf());
            case UNARY -> collect(((Expr.Unary) e).a(), out);
            case BINARY -> {
                collect(((Expr.Binary) e).a(), out);
                collect(((Expr.Binary) e).b(), out);
            }
            case SELECT -> {
                Expr.Select s = (Expr.Select) e;
                collect(s.cond(), out);
                collect(s.a(), out);
                collect(s.b(), out);
            }
            case RANDOM -> {
                collect(((Expr.Random) e).seed(), out);
                collect(((Expr.Random) e).step(), out);
            }
            case CONST, INDEX_VALUE, SIZE_VALUE, READ -> { }
        }
    }
}
