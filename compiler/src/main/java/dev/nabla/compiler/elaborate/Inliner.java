package dev.nabla.compiler.elaborate;

import dev.nabla.compiler.ir.Span;
import dev.nabla.compiler.syntax.Decl;
import dev.nabla.compiler.syntax.Stmt;

import java.util.List;
import java.util.Map;

/** Inlines one call of a definition: binds its arguments, runs its body in a fresh scope, returns its result. */
final class Inliner {

    private final Evaluator evaluator;
    private final Val.Def callee;
    private final Span call;

    Inliner(Evaluator evaluator, Val.Def callee, Span call) {
        this.evaluator = evaluator;
        this.callee = callee;
        this.call = call;
    }

    Val inline(List<Args.Actual> actuals, String assigned) {
        Decl.Def def = callee.def();
        List<String> formals = def.formals().stream().map(Decl.Formal::name).toList();
        Map<String, Args.Actual> bound = Args.bind(def.name(), formals,
                n -> def.formals().stream().anyMatch(f -> f.name().equals(n) && f.defaultValue() != null), actuals, call);
        Evaluator.Frame saved = evaluator.enter(def, call, assigned);
        try {
            Env local = new Env(callee.globals());
            for (Decl.Formal f : def.formals()) {
                Args.Actual a = bound.get(f.name());
                Val v = a != null ? a.val() : evaluator.eval(f.defaultValue(), callee.globals());
                evaluator.checkLogits(def, call, f.name(), v);
                local.define(f.name(), v, f.span());
            }
            Val result = body(def, local);
            evaluator.nameResult(result);
            return result;
        } catch (ElabError e) {
            throw relocate(e, def);
        } finally {
            evaluator.leave(saved);
        }
    }

    private Val body(Decl.Def def, Env local) {
        Val result = null;
        for (Stmt s : def.body()) {
            if (result != null) {
                throw new ElabError(s.span(), "this statement is never reached: '" + def.name() + "' has already returned");
            }
            if (s instanceof Stmt.Return r) {
                result = evaluator.eval(r.value(), local);
            } else {
                statement(s, local);
            }
        }
        if (result == null) {
            throw new ElabError(def.span(), "definition '" + def.name() + "' has no 'return'");
        }
        return result;
    }

    /** A statement other than the final 'return'. */
    private void statement(Stmt s, Env local) {
        if (s instanceof Stmt.Param p) {
            evaluator.param(p, local);
        } else if (s instanceof Stmt.State st) {
            evaluator.state(st, local);
        } else if (s instanceof Stmt.Update u) {
            evaluator.update(u, local);
        } else if (s instanceof Stmt.Let l) {
            evaluator.let(l.name(), l.span(), l.value(), local);
        } else if (s instanceof Stmt.If i) {
            Branches.choose(i, evaluator, local).forEach(chosen -> statement(chosen, local));
        } else {
            throw new ElabError(s.span(), "'" + Statements.keyword(s) + "' is only allowed in a model, not in a definition");
        }
    }

    /**
     * A mistake inside the standard library is the caller's: it is reported at the call, naming the definition.
     * A mistake inside the user's own definition stays there and remembers this call for a note.
     */
    private ElabError relocate(ElabError e, Decl.Def def) {
        if (e.isSilent()) {
            return e;
        }
        if (Stdlib.FILE.equals(e.span().file()) && !Stdlib.FILE.equals(call.file())) {
            return new ElabError(call, "in '" + def.name() + "': " + e.getMessage());
        }
        e.calledFrom().add(call);
        return e;
    }
}
