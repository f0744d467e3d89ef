package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.syntax.Stmt;

import java.util.List;

/**
 * The compile-time 'if' of models and definitions: only the chosen branch is elaborated, as if written in place, so
 * its parameters, state and names belong to the enclosing scope (conv2d's {@code bias = false} declares no b at
 * all; batch_norm's {@code if training} builds the training and the inference graph from one source).
 */
final class Branches {

    private Branches() {
    }

    /** The statements of the branch the condition selects; the condition must be a boolean known now. */
    static List<Stmt> choose(Stmt.If i, Evaluator evaluator, Env env) {
        noReturn(i.then());
        noReturn(i.otherwise());
        Val cond = evaluator.eval(i.condition(), env);
        if (!(cond instanceof Val.Bool b)) {
            throw new ElabError(i.condition().span(), "the condition of 'if' must be true or false, known at compile time;"
                    + " got " + cond.describe());
        }
        return b.value() ? i.then() : i.otherwise();
    }

    /** Checked in both branches, whichever is taken: a definition returns once, at its end. */
    private static void noReturn(List<Stmt> branch) {
        for (Stmt s : branch) {
            if (s instanceof Stmt.Return) {
                throw new ElabError(s.span(), "'return' is not allowed inside 'if': define a value in both branches"
                        + " and return it after the 'if'");
            }
            if (s instanceof Stmt.If nested) {
                noReturn(nested.then());
                noReturn(nested.otherwise());
            }
        }
    }
}
