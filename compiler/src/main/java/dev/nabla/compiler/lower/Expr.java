package dev.nabla.compiler.lower;

/** A scalar float expression of the loop IR, evaluated once per iteration of the enclosing loops. */
public sealed interface Expr {

    enum UnOp { NEG, EXP, LOG, SQRT, ABS, SIGN, TANH, SIGMOID, RELU }

    enum BinOp { ADD, SUB, MUL, DIV, MAX, MIN, GREATER, EQUAL, POW }

    /** {@code buf[index]}. */
    record Load(Buf buf, Index index) implements Expr {
        @Override
        public String toString() {
            return buf + "[" + index + "]";
        }
    }

    record Const(float value) implements Expr {
        @Override
        public String toString() {
            return Float.toString(value);
        }
    }

    /** An index (e.g. the class number of one_hot) as a float. */
    record IndexValue(Index index) implements Expr {
        @Override
        public String toString() {
            return "(float)(" + index + ")";
        }
    }

    /** A size (e.g. the element count of a mean over the batch) as a float. */
    record SizeValue(Size size) implements Expr {
        @Override
        public String toString() {
            return "(float)" + size;
        }
    }

    record Read(Local local) implements Expr {
        @Override
        public String toString() {
            return local.name();
        }
    }

    record Unary(UnOp op, Expr a) implements Expr {
        @Override
        public String toString() {
            return op.name().toLowerCase() + "(" + a + ")";
        }
    }

    record Binary(BinOp op, Expr a, Expr b) implements Expr {
        @Override
        public String toString() {
            return switch (op) {
                case ADD -> "(" + a + " + " + b + ")";
                case SUB -> "(" + a + " - " + b + ")";
                case MUL -> a + " * " + b;
                case DIV -> a + " / " + b;
                default -> op.name().toLowerCase() + "(" + a + ", " + b + ")";
            };
        }
    }

    /** {@code cond != 0 ? a : b}. */
    record Select(Expr cond, Expr a, Expr b) implements Expr {
        @Override
        public String toString() {
            return "(" + cond + " != 0 ? " + a + " : " + b + ")";
        }
    }

    static Expr bin(BinOp op, Expr a, Expr b) {
        return new Binary(op, a, b);
    }

    static Expr un(UnOp op, Expr a) {
        return new Unary(op, a);
    }

    static Expr c(double v) {
        return new Const((float) v);
    }
}
