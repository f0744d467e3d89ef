package dev.nabla.compiler.syntax;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.grammar.NablaLexer;
import dev.nabla.grammar.NablaParser;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

import java.util.Optional;

/** Parses one source file; syntax errors become diagnostics, never console output or exceptions. */
public final class Parser {

    private Parser() {
    }

    /** The file's AST, or empty when it has syntax errors (all of which are reported). */
    public static Optional<Decl.SourceFile> parse(String file, String source, Diagnostics diagnostics) {
        diagnostics.addSource(file, source);
        SyntaxErrorListener listener = new SyntaxErrorListener(file, diagnostics);
        NablaLexer lexer = new NablaLexer(CharStreams.fromString(source, file));
        lexer.removeErrorListeners();
        lexer.addErrorListener(listener);
        NablaParser parser = new NablaParser(new CommonTokenStream(new NewlineFilter(lexer)));
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        NablaParser.ProgramContext tree = parser.program();
        if (listener.count() > 0) {
            return Optional.empty();
        }
        return Optional.of(new AstBuilder(file, diagnostics).file(tree));
    }
}
