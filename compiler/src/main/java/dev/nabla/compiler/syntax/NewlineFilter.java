package dev.nabla.compiler.syntax;

import dev.nabla.grammar.NablaLexer;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

import java.util.Set;

/**
 * Line continuation: drops newline tokens while inside parentheses or brackets, so a call or a list may
 * span several lines while newlines still end statements. A brace resets the depth, because braces never
 * occur inside parentheses: an unclosed parenthesis then does not swallow the rest of the file.
 */
final class NewlineFilter implements TokenSource {

    /** Keywords that only ever start a statement or declaration (not those that double as argument names). */
    private static final Set<String> STATEMENT_STARTS = Set.of("model", "def", "import", "return", "output", "param", "train");

    private final NablaLexer lexer;
    private int depth;
    private Token pending;

    NewlineFilter(NablaLexer lexer) {
        this.lexer = lexer;
    }

    @Override
    public Token nextToken() {
        Token t = next();
        if (t.getType() == NablaLexer.NL && depth > 0) {
            Token after = next();
            while (after.getType() == NablaLexer.NL) {
                after = next();
            }
            if (STATEMENT_STARTS.contains(after.getText())) {
                // A statement cannot start inside parentheses: one was left unclosed on the line before.
                // Keeping the newline lets the parser report it there, not on this line.
                depth = 0;
                pending = after;
                return t;
            }
            t = after;
        }
        track(t.getText());
        return t;
    }

    private Token next() {
        if (pending == null) {
            return lexer.nextToken();
        }
        Token p = pending;
        pending = null;
        return p;
    }

    private void track(String text) {
        switch (text) {
            case "(", "[" -> depth++;
            case ")", "]" -> depth = Math.max(0, depth - 1);
            case "{", "}" -> depth = 0;
            default -> { }
        }
    }

    @Override
    public int getLine() {
        return lexer.getLine();
    }

    @Override
    public int getCharPositionInLine() {
        return lexer.getCharPositionInLine();
    }

    @Override
    public CharStream getInputStream() {
        return lexer.getInputStream();
    }

    @Override
    public String getSourceName() {
        return lexer.getSourceName();
    }

    @Override
    public void setTokenFactory(TokenFactory<?> factory) {
        lexer.setTokenFactory(factory);
    }

    @Override
    public TokenFactory<?> getTokenFactory() {
        return lexer.getTokenFactory();
    }
}
