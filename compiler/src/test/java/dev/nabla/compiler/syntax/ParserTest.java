package dev.nabla.compiler.syntax;

import dev.nabla.compiler.diag.Diagnostics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParserTest {

    private static Decl.SourceFile parse(String source) {
        Diagnostics d = new Diagnostics();
        Decl.SourceFile f = Parser.parse("p.nabla", source, d).orElse(null);
        assertFalse(d.hasErrors(), () -> d.list().toString());
        return f;
    }

    private static Expr expr(String text) {
        Stmt.Return r = (Stmt.Return) parse("def f(x) = " + text).defs().get(0).body().get(0);
        return r.value();
    }

    @Test
    void callArguments_mayContinueOnTheNextLine() {
        Decl.SourceFile f = parse("model M {\n  h = dense(x,\n            16,\n   activation = relu)\n  output o = h\n}\n");
        List<Stmt> body = f.models().get(0).body();
        assertEquals(2, body.size());
        Expr.Call call = (Expr.Call) ((Stmt.Let) body.get(0)).value();
        assertEquals(3, call.args().size());
        assertEquals("activation", call.args().get(2).name());
    }

    @Test
    void ifStatement_hasAThenBlockAndAnOptionalElseBlock() {
        Decl.SourceFile f = parse("def f(x, c) {\n  if c {\n    param b : [2] = zeros\n    y = x + b\n  } else {\n    y = x\n  }\n"
                + "  if c { z = y }\n  return y\n}\n");
        List<Stmt> body = f.defs().get(0).body();
        Stmt.If first = (Stmt.If) body.get(0);
        assertEquals(2, first.then().size());
        assertEquals(1, first.otherwise().size());
        assertEquals("p.nabla:2:3", first.span().toString().substring(1));
        assertTrue(((Stmt.If) body.get(1)).otherwise().isEmpty());
    }

    @Test
    void stateUpdateAndTraining_parseAsStatementsAndAnExpression() {
        Decl.SourceFile f = parse("def bn(x, update) {\n  state m : [2] = zeros\n  if training {\n"
                + "    update m = 0.9 * m + 0.1 * mean(x, axis = 0)\n  }\n  return x - m\n}\n");
        List<Stmt> body = f.defs().get(0).body();
        Stmt.State state = (Stmt.State) body.get(0);
        assertEquals("m", state.name());
        assertEquals(1, state.shape().items().size());
        Stmt.If branch = (Stmt.If) body.get(1);
        assertTrue(branch.condition() instanceof Expr.Training);
        Stmt.Update update = (Stmt.Update) branch.then().get(0);
        assertEquals("m", update.name());
        assertEquals("p.nabla:4:12", update.span().toString().substring(1));
        assertEquals("update", f.defs().get(0).formals().get(1).name(), "'update' and 'state' still name parameters");
    }

    @Test
    void semicolons_separateStatementsOnOneLine() {
        Decl.SourceFile f = parse("model M { input x : f32[B, 2]; output o = x }");
        assertEquals(2, f.models().get(0).body().size());
    }

    @Test
    void twoStatementsOnOneLineWithoutSeparator_areASyntaxError() {
        Diagnostics d = new Diagnostics();
        assertTrue(Parser.parse("p.nabla", "model M {\n  a = x b = x\n}\n", d).isEmpty());
        assertEquals("p.nabla:2:9: error: syntax error: unexpected 'b', expecting ';', '}' or end of line", d.list().get(0).render().lines().findFirst().orElseThrow());
    }

    @Test
    void precedence_unaryMinusThenMatmulThenProductThenSum() {
        Expr.Binary sum = (Expr.Binary) expr("a + -b @ c * d");
        assertEquals("+", sum.op());
        Expr.Binary product = (Expr.Binary) sum.right();
        assertEquals("*", product.op());
        Expr.Binary matmul = (Expr.Binary) product.left();
        assertEquals("@", matmul.op());
        assertInstanceOf(Expr.Neg.class, matmul.left());
    }

    @Test
    void numberLiterals_distinguishIntegersFromReals() {
        Expr.ListLit list = (Expr.ListLit) expr("[3, 0.5, 1e-4, .25, 2E3]");
        assertEquals(new Expr.IntLit(list.items().get(0).span(), 3), list.items().get(0));
        assertEquals(List.of(0.5, 1e-4, 0.25, 2000.0),
                list.items().subList(1, 5).stream().map(e -> ((Expr.FloatLit) e).value()).toList());
    }

    @Test
    void comments_areIgnoredAndBlockCommentsMaySpanLines() {
        Decl.SourceFile f = parse("// one\nmodel M { /* a\n b */ input x : f32[B, 2] // two\n output o = x\n}\n");
        assertEquals(2, f.models().get(0).body().size());
    }

    @Test
    void declarationKeywords_serveAsParameterNames() {
        Decl.Def d = parse("def mse(pred, target) = mean(pred - target)").defs().get(0);
        assertEquals(List.of("pred", "target"), d.formals().stream().map(Decl.Formal::name).toList());
    }

    @Test
    void positions_areOneBasedAndOperatorsPointAtTheirSymbol() {
        Expr.Binary b = (Expr.Binary) expr("x @ y");
        assertEquals(1, b.span().line());
        assertEquals(14, b.span().column());
        assertEquals(12, b.left().span().column());
    }

    @Test
    void stringEscapes_areDecoded() {
        assertEquals("a\"b\\c", ((Expr.StringLit) expr("\"a\\\"b\\\\c\"")).value());
    }

    @Test
    void everySyntaxErrorIsCollected_andNothingIsPrinted() {
        Diagnostics d = new Diagnostics();
        assertTrue(Parser.parse("p.nabla", "model { }\ndef (x) = x\nmodel N { output o = # }\n", d).isEmpty());
        assertEquals(3, d.errorCount(), d.list().toString());
    }

    @Test
    void unclosedParenthesis_isReportedAtTheEndOfItsLine() {
        Diagnostics d = new Diagnostics();
        Parser.parse("p.nabla", "model M {\n  h = f(x,\n  y\n  output o = h\n}\n", d);
        assertEquals("p.nabla:3:4: error: syntax error: unexpected end of line, expecting ')' or ','",
                d.list().get(0).render().lines().findFirst().orElseThrow());
    }

    @Test
    void keywordNamedArgumentOnAContinuationLine_staysInsideTheCall() {
        Decl.SourceFile f = parse("def f(x, target) = x\nmodel M {\n  input x : f32[B, 1]\n  output o = f(x,\n    target)\n}\n");
        Expr.Call call = (Expr.Call) ((Stmt.Output) f.models().get(0).body().get(1)).value();
        assertEquals(2, call.args().size());
    }
}
