package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.syntax.Stmt;

/** Facts about statement kinds used in messages. */
final class Statements {

    private Statements() {
    }

    static String keyword(Stmt s) {
        if (s instanceof Stmt.Input) {
            return "input";
        } else if (s instanceof Stmt.Target) {
            return "target";
        } else if (s instanceof Stmt.Param) {
            return "param";
        } else if (s instanceof Stmt.State) {
            return "state";
        } else if (s instanceof Stmt.Update) {
            return "update";
        } else if (s instanceof Stmt.Output) {
            return "output";
        } else if (s instanceof Stmt.Loss) {
            return "loss";
        } else if (s instanceof Stmt.Return) {
            return "return";
        } else if (s instanceof Stmt.Train) {
            return "train";
        } else if (s instanceof Stmt.If) {
            return "if";
        }
        return "=";
    }
}
