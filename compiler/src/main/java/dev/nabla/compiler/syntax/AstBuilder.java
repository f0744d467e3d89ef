package dev.nabla.compiler.syntax;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.ir.Span;
import dev.nabla.grammar.NablaBaseVisitor;
import dev.nabla.grammar.NablaParser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

import java.util.ArrayList;
import java.util.List;

/** Builds the AST from a parse tree that had no syntax errors. Reports literals that do not fit their type. */
final class AstBuilder extends NablaBaseVisitor<Object> {

    private final String file;
    private final Diagnostics diagnostics;

    AstBuilder(String file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    Decl.SourceFile file(NablaParser.ProgramContext ctx) {
        List<Decl.Import> imports = new ArrayList<>();
        List<Decl.Def> defs = new ArrayList<>();
        List<Decl.Model> models = new ArrayList<>();
        for (NablaParser.TopDeclContext d : ctx.topDecl()) {
            Object decl = visit(d);
            if (decl instanceof Decl.Import i) {
                imports.add(i);
            } else if (decl instanceof Decl.Def def) {
                defs.add(def);
            } else if (decl instanceof Decl.Model m) {
                models.add(m);
            }
        }
        return new Decl.SourceFile(file, imports, defs, models);
    }

    private Span at(Token t) {
        return Span.at(file, t.getLine(), t.getCharPositionInLine() + 1);
    }

    private Span at(TerminalNode n) {
        return at(n.getSymbol());
    }

    private Span at(ParserRuleContext ctx) {
        return at(ctx.getStart());
    }

    private Expr expr(NablaParser.ExprContext ctx) {
        return (Expr) visit(ctx);
    }

    // ---- declarations

    @Override
    public Decl visitImportDecl(NablaParser.ImportDeclContext ctx) {
        return new Decl.Import(at(ctx.STRING()), unquote(ctx.STRING().getText()));
    }

    @Override
    public Decl visitExprDef(NablaParser.ExprDefContext ctx) {
        Expr body = expr(ctx.expr());
        return new Decl.Def(at(ctx.ID()), ctx.ID().getText(), formals(ctx.formals()),
                List.of(new Stmt.Return(body.span(), body)));
    }

    @Override
    public Decl visitBlockDef(NablaParser.BlockDefContext ctx) {
        return new Decl.Def(at(ctx.ID()), ctx.ID().getText(), formals(ctx.formals()), block(ctx.block()));
    }

    @Override
    public Decl visitModelDecl(NablaParser.ModelDeclContext ctx) {
        return new Decl.Model(at(ctx.ID()), ctx.ID().getText(), block(ctx.block()));
    }

    private List<Decl.Formal> formals(NablaParser.FormalsContext ctx) {
        if (ctx == null) {
            return List.of();
        }
        return ctx.formal().stream()
                .map(f -> new Decl.Formal(at(f.name()), f.name().getText(), f.expr() == null ? null : expr(f.expr())))
                .toList();
    }

    private List<Stmt> block(NablaParser.BlockContext ctx) {
        return ctx.stmt().stream().map(s -> (Stmt) visit(s)).toList();
    }

    // ---- statements

    @Override
    public Stmt visitInputStmt(NablaParser.InputStmtContext ctx) {
        return new Stmt.Input(at(ctx.ID()), ctx.ID().getText(), type(ctx.tensorType()));
    }

    @Override
    public Stmt visitTargetStmt(NablaParser.TargetStmtContext ctx) {
        Integer classes = ctx.INT() == null ? null : intValue(ctx.INT());
        return new Stmt.Target(at(ctx.ID()), ctx.ID().getText(), type(ctx.tensorType()), classes,
                ctx.INT() == null ? null : at(ctx.INT()), ctx.binary != null);
    }

    @Override
    public Stmt visitParamStmt(NablaParser.ParamStmtContext ctx) {
        return new Stmt.Param(at(ctx.ID()), ctx.ID().getText(), list(ctx.list()), expr(ctx.expr()));
    }

    @Override
    public Stmt visitStateStmt(NablaParser.StateStmtContext ctx) {
        return new Stmt.State(at(ctx.ID()), ctx.ID().getText(), list(ctx.list()), expr(ctx.expr()));
    }

    @Override
    public Stmt visitUpdateStmt(NablaParser.UpdateStmtContext ctx) {
        return new Stmt.Update(at(ctx.ID()), ctx.ID().getText(), expr(ctx.expr()));
    }

    @Override
    public Stmt visitOutputStmt(NablaParser.OutputStmtContext ctx) {
        return new Stmt.Output(at(ctx.ID()), ctx.ID().getText(), expr(ctx.expr()));
    }

    @Override
    public Stmt visitLossStmt(NablaParser.LossStmtContext ctx) {
        return new Stmt.Loss(at(ctx.getStart()), expr(ctx.expr()));
    }

    @Override
    public Stmt visitReturnStmt(NablaParser.ReturnStmtContext ctx) {
        return new Stmt.Return(at(ctx.getStart()), expr(ctx.expr()));
    }

    @Override
    public Stmt visitIfStmt(NablaParser.IfStmtContext ctx) {
        return new Stmt.If(at(ctx.getStart()), expr(ctx.expr()), block(ctx.block(0)),
                ctx.block().size() > 1 ? block(ctx.block(1)) : List.of());
    }

    @Override
    public Stmt visitTrainStmt(NablaParser.TrainStmtContext ctx) {
        List<Stmt.Entry> entries = ctx.entry().stream()
                .map(e -> new Stmt.Entry(at(e.ID()), e.ID().getText(), expr(e.expr()))).toList();
        return new Stmt.Train(at(ctx.getStart()), entries);
    }

    @Override
    public Stmt visitLetStmt(NablaParser.LetStmtContext ctx) {
        return new Stmt.Let(at(ctx.ID()), ctx.ID().getText(), expr(ctx.expr()));
    }

    private Stmt.TypeRef type(NablaParser.TensorTypeContext ctx) {
        List<Stmt.Dim> dims = new ArrayList<>();
        for (NablaParser.DimContext d : ctx.dim()) {
            if (d instanceof NablaParser.SymbolicDimContext s) {
                dims.add(new Stmt.Dim(at(s.ID()), s.ID().getText(), 0));
            } else if (d instanceof NablaParser.ConstantDimContext c) {
                dims.add(new Stmt.Dim(at(c.INT()), null, intValue(c.INT())));
            }
        }
        return new Stmt.TypeRef(at(ctx.ID()), ctx.ID().getText(), dims);
    }

    // ---- expressions

    @Override
    public Expr visitCallExpr(NablaParser.CallExprContext ctx) {
        Expr callee = expr(ctx.expr());
        List<Expr.Arg> args = ctx.arg().stream()
                .map(a -> new Expr.Arg(at(a), a.name() == null ? null : a.name().getText(), expr(a.expr()))).toList();
        return new Expr.Call(callee.span(), callee, args);
    }

    @Override
    public Expr visitIndexExpr(NablaParser.IndexExprContext ctx) {
        List<Expr.Slice> items = ctx.slice().stream().map(this::slice).toList();
        return new Expr.Index(at(ctx.getChild(1).getPayload() instanceof Token t ? t : ctx.getStart()), expr(ctx.expr()), items);
    }

    private Expr.Slice slice(NablaParser.SliceContext ctx) {
        if (ctx instanceof NablaParser.PointSliceContext p) {
            return new Expr.Slice(at(ctx.getStart()), expr(p.expr()), null, null);
        }
        NablaParser.RangeSliceContext r = (NablaParser.RangeSliceContext) ctx;
        return new Expr.Slice(at(ctx.getStart()), null, r.from == null ? null : expr(r.from), r.to == null ? null : expr(r.to));
    }

    @Override
    public Expr visitNegExpr(NablaParser.NegExprContext ctx) {
        return new Expr.Neg(at(ctx.getStart()), expr(ctx.expr()));
    }

    @Override
    public Expr visitMatmulExpr(NablaParser.MatmulExprContext ctx) {
        return binary(ctx.expr(0), (Token) ctx.getChild(1).getPayload(), ctx.expr(1));
    }

    @Override
    public Expr visitMulExpr(NablaParser.MulExprContext ctx) {
        return binary(ctx.expr(0), ctx.op, ctx.expr(1));
    }

    @Override
    public Expr visitAddExpr(NablaParser.AddExprContext ctx) {
        return binary(ctx.expr(0), ctx.op, ctx.expr(1));
    }

    @Override
    public Expr visitCompareExpr(NablaParser.CompareExprContext ctx) {
        return binary(ctx.expr(0), ctx.op, ctx.expr(1));
    }

    private Expr binary(NablaParser.ExprContext left, Token op, NablaParser.ExprContext right) {
        return new Expr.Binary(at(op), op.getText(), expr(left), expr(right));
    }

    @Override
    public Expr visitIntExpr(NablaParser.IntExprContext ctx) {
        String text = ctx.INT().getText();
        try {
            return new Expr.IntLit(at(ctx.INT()), Long.parseLong(text));
        } catch (NumberFormatException e) {
            diagnostics.error(at(ctx.INT()), "integer literal " + text + " is too large");
            return new Expr.FloatLit(at(ctx.INT()), Double.parseDouble(text));
        }
    }

    @Override
    public Expr visitFloatExpr(NablaParser.FloatExprContext ctx) {
        double v = Double.parseDouble(ctx.FLOAT().getText());
        if (Double.isInfinite(v)) {
            diagnostics.error(at(ctx.FLOAT()), "number " + ctx.FLOAT().getText() + " is too large");
        }
        return new Expr.FloatLit(at(ctx.FLOAT()), v);
    }

    @Override
    public Expr visitStringExpr(NablaParser.StringExprContext ctx) {
        return new Expr.StringLit(at(ctx.STRING()), unquote(ctx.STRING().getText()));
    }

    @Override
    public Expr visitBoolExpr(NablaParser.BoolExprContext ctx) {
        return new Expr.BoolLit(at(ctx.getStart()), ctx.getStart().getText().equals("true"));
    }

    @Override
    public Expr visitTrainingExpr(NablaParser.TrainingExprContext ctx) {
        return new Expr.Training(at(ctx.getStart()));
    }

    @Override
    public Expr visitListExpr(NablaParser.ListExprContext ctx) {
        return list(ctx.list());
    }

    private Expr.ListLit list(NablaParser.ListContext ctx) {
        return new Expr.ListLit(at(ctx.getStart()), ctx.expr().stream().map(this::expr).toList());
    }

    @Override
    public Expr visitParenExpr(NablaParser.ParenExprContext ctx) {
        return expr(ctx.expr());
    }

    @Override
    public Expr visitNameExpr(NablaParser.NameExprContext ctx) {
        return new Expr.Name(at(ctx.name()), ctx.name().getText());
    }

    // ---- literals

    private int intValue(TerminalNode n) {
        try {
            return Integer.parseInt(n.getText());
        } catch (NumberFormatException e) {
            diagnostics.error(at(n), "integer " + n.getText() + " is too large");
            return 1;
        }
    }

    private static String unquote(String quoted) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) {
                char next = quoted.charAt(++i);
                s.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> next;
                });
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
