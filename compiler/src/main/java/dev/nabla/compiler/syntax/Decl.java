package dev.nabla.compiler.syntax;

import dev.nabla.compiler.ir.Span;

import java.util.List;

/** Top-level declarations of a file. */
public sealed interface Decl {

    Span span();

    String name();

    record Import(Span span, String path) implements Decl {
        @Override
        public String name() {
            return path;
        }
    }

    /** A formal parameter of a definition; {@code defaultValue} is null when it has none. */
    record Formal(Span span, String name, Expr defaultValue) {
    }

    /** A definition; a one-expression {@code def f(x) = e} has the body {@code return e}. */
    record Def(Span span, String name, List<Formal> formals, List<Stmt> body) implements Decl {
        public Def {
            formals = List.copyOf(formals);
            body = List.copyOf(body);
        }
    }

    record Model(Span span, String name, List<Stmt> body) implements Decl {
        public Model {
            body = List.copyOf(body);
        }
    }

    /** A parsed file. */
    record SourceFile(String path, List<Import> imports, List<Def> defs, List<Model> models) {
        public SourceFile {
            imports = List.copyOf(imports);
            defs = List.copyOf(defs);
            models = List.copyOf(models);
        }
    }
}
