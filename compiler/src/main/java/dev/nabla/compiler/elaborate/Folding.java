package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.syntax.Expr;

/** Arithmetic on numbers known at compile time (layer sizes, coefficients); integers stay integers except under '/'. */
final class Folding {

    private Folding() {
    }

    static Val.Num fold(Expr.Binary b, Val.Num x, Val.Num y) {
        boolean integral = x.integral() && y.integral();
        double a = x.value();
        double c = y.value();
        return switch (b.op()) {
            case "+" -> new Val.Num(a + c, integral);
            case "-" -> new Val.Num(a - c, integral);
            case "*" -> new Val.Num(a * c, integral);
            case "/" -> {
                if (c == 0) {
                    throw new ElabError(b.span(), "division by zero");
                }
                yield new Val.Num(a / c, false);
            }
            default -> throw new IllegalStateException("not a folding operator: " + b.op());
        };
    }
}
