package dev.nabla.compiler.syntax;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.ir.Span;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns ANTLR's lexer and parser errors into positioned diagnostics instead of console output. */
final class SyntaxErrorListener extends BaseErrorListener {

    /** Token names as ANTLR prints them in "expecting" sets (unquoted), and what a reader calls them. */
    private static final Map<String, String> TOKEN_NAMES = Map.of(
            "NL", "end of line", "ID", "a name", "INT", "an integer", "FLOAT", "a number", "STRING", "a string");
    private static final Pattern SYMBOLIC = Pattern.compile("(?<!')\\b(NL|ID|INT|FLOAT|STRING)\\b(?!')");

    private static final Pattern MISMATCH =
            Pattern.compile("(mismatched input|extraneous input) (.+?)(?: expecting (.+))?");

    private final String file;
    private final Diagnostics diagnostics;
    private final Set<Integer> badCharacterLines = new HashSet<>();
    private int count;

    SyntaxErrorListener(String file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        count++;
        // A bad character is dropped by the lexer; the parser then trips over the gap. One report is enough.
        if (recognizer instanceof Lexer) {
            badCharacterLines.add(line);
        } else if (badCharacterLines.contains(line)) {
            return;
        }
        diagnostics.error(Span.at(file, line, charPositionInLine + 1), "syntax error: "
                + (msg.startsWith("no viable alternative") && offendingSymbol instanceof Token t ? unexpected(t) : readable(msg)));
    }

    int count() {
        return count;
    }

    /** ANTLR's wording, with newline and end-of-file tokens named as a reader would. */
    /** ANTLR quotes all the input since the decision began, without spaces; only the last token is the culprit. */
    private static String unexpected(Token t) {
        if (t.getType() == Token.EOF) {
            return "unexpected end of file";
        }
        if (DECLARATIONS.contains(t.getText())) {
            return "unexpected '" + t.getText() + "': a '" + t.getText() + "' declaration belongs inside a model or a definition";
        }
        return t.getText().isBlank() ? "unexpected end of line" : "unexpected '" + t.getText() + "'";
    }

    /** Declarations written at the top of a file, where only def, model and import go. */
    private static final Set<String> DECLARATIONS = Set.of("param", "state", "update");

    /** {@code {';', '}', end of line}} reads as {@code ';', '}' or end of line}. */
    private static String alternatives(String set) {
        String inner = set.startsWith("{") && set.endsWith("}") ? set.substring(1, set.length() - 1) : set;
        int last = inner.lastIndexOf(", ");
        return last < 0 ? inner : inner.substring(0, last) + " or " + inner.substring(last + 2);
    }

    private static String readable(String msg) {
        String text = msg.replace("'\\n'", "end of line").replace("'\\r\\n'", "end of line")
                .replace("'<EOF>'", "end of file").replace("<EOF>", "end of file")
                .replace("token recognition error at: ", "unexpected character ");
        text = SYMBOLIC.matcher(text).replaceAll(m -> TOKEN_NAMES.get(m.group(1)));
        Matcher m = MISMATCH.matcher(text);
        if (m.matches()) {
            // A long "expecting" set lists every token that may start an expression: noise, not help.
            String expected = m.group(3);
            boolean small = expected != null && expected.chars().filter(c -> c == ',').count() < 3;
            text = "unexpected " + m.group(2) + (small ? ", expecting " + alternatives(expected) : "");
        }
        return text;
    }
}
