package dev.nabla.compiler.lower;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The buffers loop IR reads and writes, in the order they appear: a store's buffer before the loads of its value, a
 * product's A, B, C (read and written) and bias, a runtime call's arguments then what it writes. The bytecode emitters
 * give each buffer a kernel touches a local at method entry ({@link #touched}); {@link MergeSiblingLoops} checks what
 * running a reduction earlier could change ({@link #visit}).
 */
public final class BufferAccess {

    private BufferAccess() {
    }

    /** Every buffer {@code body} reads or writes, in the order each first appears. */
    public static Set<Buf> touched(List<Stmt> body) {
        Set<Buf> out = new LinkedHashSet<>();
        visit(body, out::add, out::add);
        return out;
    }

    /**
     * The spec indices of the buffers {@code body} touches, each once, in the order each first appears; without
     * {@link Buf#HYPER}. A kernel method loads these into locals at entry, by constant index or, when other kernels
     * share the method, through the caller's slots ({@link SameKernel#bufferPairs}).
     */
    public static int[] indices(List<Stmt> body) {
        return touched(body).stream().mapToInt(Buf::index).filter(i -> i >= 0).distinct().toArray();
    }

    /**
     * Passes each buffer {@code body} reads to {@code read} and each it writes to {@code write}, in order; false when
     * a statement draws random numbers (the buffers its seed and step are read from are passed all the same).
     */
    static boolean visit(List<Stmt> body, Consumer<Buf> read, Consumer<Buf> write) {
        boolean plain = true;
        for (Stmt s : body) {
            switch (s.kind()) {
                case FOR -> plain &= visit(((Stmt.For) s).body(), read, write);
                case STORE -> {
                    write.accept(((Stmt.Store) s).buf());
                    plain &= expr(((Stmt.Store) s).value(), read);
                }
                case LET -> plain &= expr(((Stmt.Let) s).value(), read);
                case ACCUM -> plain &= expr(((Stmt.Accum) s).value(), read);
                case ACC_INIT -> { }
                case GEMM -> {
                    Stmt.GemmCall g = (Stmt.GemmCall) s;
                    read.accept(g.a());
                    read.accept(g.b());
                    read.accept(g.c());
                    write.accept(g.c());
                    if (g.bias() != null) {
                        read.accept(g.bias());
                    }
                }
                case CALL -> {
                    Stmt.Call c = (Stmt.Call) s;
                    for (Stmt.Arg a : c.args()) {
                        if (a instanceof Stmt.Arg.Floats f && f.buf() != null) {
                            read.accept(f.buf());
                        }
                    }
                    c.writes().forEach(write);
                }
            }
        }
        return plain;
    }

    private static boolean expr(Expr e, Consumer<Buf> read) {
        return switch (e.kind()) {
            case LOAD -> {
                read.accept(((Expr.Load) e).buf());
                yield true;
            }
            case UNARY -> expr(((Expr.Unary) e).a(), read);
            case BINARY -> expr(((Expr.Binary) e).a(), read) & expr(((Expr.Binary) e).b(), read);
            case SELECT -> {
                Expr.Select s = (Expr.Select) e;
                yield expr(s.cond(), read) & expr(s.a(), read) & expr(s.b(), read);
            }
            case RANDOM -> {
                Expr.Random r = (Expr.Random) e;
                expr(r.seed(), read);
                expr(r.step(), read);
                yield false;
            }
            case CONST, INDEX_VALUE, SIZE_VALUE, READ -> true;
        };
    }
}
