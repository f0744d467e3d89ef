package dev.nabla.compiler.syntax;

import dev.nabla.grammar.NablaLexer;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Line continuation: drops newline tokens while inside parentheses or brackets, so a call or a list may
 * span several lines while newlines still end statements. A brace resets the depth, because braces never
 * occur inside parentheses: an unclosed parenthesis then does not swallow the rest of the file.
 */
final class NewlineFilter implements TokenSource {

    private final NablaLexer lexer;
    private int depth;

    NewlineFilter(NablaLexer lexer) {
        this.lexer = lexer;
    }

    @Override
    public Token nextToken() {
        while (true) {
            Token t = lexer.nextToken();
            if (t.getType() == NablaLexer.NL && depth > 0) {
                continue;
            }
            track(t.getText());
            return t;
        }
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
