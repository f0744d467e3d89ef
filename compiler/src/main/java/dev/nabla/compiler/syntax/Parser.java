package dev.nabla.compiler.syntax;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.ir.Span;
import dev.nabla.grammar.NablaLexer;
import dev.nabla.grammar.NablaParser;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

import java.util.Optional;

/** Parses one source file; syntax errors become diagnostics, never console output or exceptions. */
public final class Parser {

    /**
     * The longest name. Names end up in class files, whose strings are at most 64 KB, joined with dots through
     * nested definitions ({@code block.conv.W}); 255 characters leaves room for that and is more than anyone types.
     */
    public static final int MAX_NAME = 255;

    private Parser() {
    }

    /** The file's AST, or empty when it has syntax errors (all of which are reported). */
    public static Optional<Decl.SourceFile> parse(String file, String source, Diagnostics diagnostics) {
        diagnostics.addSource(file, source);
        SyntaxErrorListener listener = new SyntaxErrorListener(file, diagnostics);
        NablaLexer lexer = new NablaLexer(CharStreams.fromString(source, file));
        lexer.removeErrorListeners();
        lexer.addErrorListener(listener);
        CommonTokenStream tokens = new CommonTokenStream(new NewlineFilter(lexer));
        NablaParser parser = new NablaParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(listener);
        NablaParser.ProgramContext tree = parser.program();
        if (listener.count() > 0 || !namesFit(file, tokens, diagnostics)) {
            return Optional.empty();
        }
        return Optional.of(new AstBuilder(file, diagnostics).file(tree));
    }

    private static boolean namesFit(String file, CommonTokenStream tokens, Diagnostics diagnostics) {
        boolean fit = true;
        for (Token t : tokens.getTokens()) {
            if (t.getType() == NablaLexer.ID && t.getText().length() > MAX_NAME) {
                diagnostics.error(Span.at(file, t.getLine(), t.getCharPositionInLine() + 1), "a name of "
                        + t.getText().length() + " characters; names are at most " + MAX_NAME);
                fit = false;
            }
        }
        return fit;
    }
}
