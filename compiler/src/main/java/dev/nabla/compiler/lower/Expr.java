package dev.nabla.compiler.lower;

import dev.nabla.compiler.ir.Op;

/**
 * A scalar float expression of the loop IR, evaluated once per iteration of the enclosing loops. Its operators
 * are the graph IR's own elementwise {@link Op}s, so the scalar-op table is the op table. Every consumer
 * dispatches with a {@code switch} over {@link #kind()}: a new node kind fails to compile wherever it is not
 * handled, instead of being skipped.
 */
public sealed interface Expr {

    enum Kind { LOAD, CONST, INDEX_VALUE, SIZE_VALUE, READ, UNARY, BINARY, SELECT, RANDOM }

    Kind kind();

    /** {@code buf[index]}. */
    record Load(Buf buf, Index index) implements Expr {
        @Override
        public Kind kind() {
            return Kind.LOAD;
        }

        @Override
        public String toString() {
            return buf + "[" + index + "]";
        }
    }

    record Const(float value) implements Expr {
        @Override
        public Kind kind() {
            return Kind.CONST;
        }

        @Override
        public String toString() {
            return Float.toString(value);
        }
    }

    /** An index (e.g. the class number of one_hot) as a float. */
    record IndexValue(Index index) implements Expr {
        @Override
        public Kind kind() {
            return Kind.INDEX_VALUE;
        }

        @Override
        public String toString() {
            return "(float)(" + index + ")";
        }
    }

    /** A size (e.g. the element count of a mean over the batch) as a float. */
    record SizeValue(Size size) implements Expr {
        @Override
        public Kind kind() {
            return Kind.SIZE_VALUE;
        }

        @Override
        public String toString() {
            return "(float)" + size;
        }
    }

    record Read(Local local) implements Expr {
        @Override
        public Kind kind() {
            return Kind.READ;
        }

        @Override
        public String toString() {
            return local.name();
        }
    }

    /** A unary elementwise op of the graph IR applied to one scalar. */
    record Unary(Op op, Expr a) implements Expr {
        public Unary {
            if (op.family() != Op.Family.UNARY) {
                throw new IllegalArgumentException(op + " is not a unary elementwise op");
            }
        }

        @Override
        public Kind kind() {
            return Kind.UNARY;
        }

        @Override
        public String toString() {
            return op.mnemonic() + "(" + a + ")";
        }
    }

    /** A binary elementwise op of the graph IR applied to two scalars. */
    record Binary(Op op, Expr a, Expr b) implements Expr {
        public Binary {
            if (op.family() != Op.Family.BINARY) {
                throw new IllegalArgumentException(op + " is not a binary elementwise op");
            }
        }

        @Override
        public Kind kind() {
            return Kind.BINARY;
        }

        @Override
        public String toString() {
            return switch (op) {
                case ADD -> "(" + a + " + " + b + ")";
                case SUB -> "(" + a + " - " + b + ")";
                case MUL -> a + " * " + b;
                case DIV -> a + " / " + b;
                default -> op.mnemonic() + "(" + a + ", " + b + ")";
            };
        }
    }

    /** {@code cond != 0 ? a : b}. */
    record Select(Expr cond, Expr a, Expr b) implements Expr {
        @Override
        public Kind kind() {
            return Kind.SELECT;
        }

        @Override
        public String toString() {
            return "(" + cond + " != 0 ? " + a + " : " + b + ")";
        }
    }

    /**
     * A random draw ({@link Op#RANDOM_UNIFORM} or {@link Op#RANDOM_NORMAL}) of element {@code index} from the
     * generator keyed by {@code seed}, {@code step} and the call site's {@code stream}. An effect: emitters never
     * treat it as loop-invariant, and it stays in scalar loops (the generator has no lane-wise form).
     */
    record Random(Op op, Expr seed, Expr step, int stream, Index index) implements Expr {
        public Random {
            if (!op.random()) {
                throw new IllegalArgumentException(op + " is not a random draw");
            }
        }

        @Override
        public Kind kind() {
            return Kind.RANDOM;
        }

        @Override
        public String toString() {
            return op.mnemonic() + "(" + seed + ", " + step + ", stream " + stream + ", " + index + ")";
        }
    }

    static Expr bin(Op op, Expr a, Expr b) {
        return new Binary(op, a, b);
    }

    static Expr un(Op op, Expr a) {
        return new Unary(op, a);
    }

    static Expr c(double v) {
        return new Const((float) v);
    }
}
