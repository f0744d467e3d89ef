package dev.nabla.compiler.syntax;

import dev.nabla.grammar.NablaLexer;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Line continuation: drops newline tokens while inside parentheses or brackets, so a call or a list may
 * span several lines while newlines still end statements. A brace resets the depth, because braces never
 * occur inside parentheses: an unclosed parenthesis then does not swallow the rest of the file.
 */
final class NewlineFilter implements TokenSource {

    private static final Set<String> HARD_STARTS = Set.of("model", "def", "import", "return");
    private static final Set<String> SOFT_STARTS = Set.of("output", "param", "input", "target", "train");

    private final NablaLexer lexer;
    private int depth;
    /** Tokens read ahead to decide whether a newline inside parentheses ends an unclosed statement. */
    private final Deque<Token> pending = new ArrayDeque<>();

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
            pending.addFirst(after);
            if (startsStatement(after)) {
                // A statement cannot start inside parentheses: one was left unclosed on the line before.
                // Keeping the newline lets the parser report it there, not on this line.
                depth = 0;
                return t;
            }
            t = next();
        }
        track(t.getText());
        return t;
    }

    /**
     * {@code def}, {@code model}, ... always start a statement; {@code output}, {@code param}, {@code input} and
     * {@code target} also name arguments, so they start one only when a declared name follows, as in
     * {@code output probs = ...}; {@code train} when a brace follows.
     */
    private boolean startsStatement(Token keyword) {
        String text = keyword.getText();
        if (HARD_STARTS.contains(text)) {
            return true;
        }
        if (!SOFT_STARTS.contains(text)) {
            return false;
        }
        Token following = lexer.nextToken();
        pending.addLast(following);
        return text.equals("train") ? following.getText().equals("{") : following.getType() == NablaLexer.ID;
    }

    private Token next() {
        return pending.isEmpty() ? lexer.nextToken() : pending.removeFirst();
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
