package dev.nabla.compiler.syntax;

import dev.nabla.compiler.diag.Diagnostics;
import dev.nabla.compiler.ir.Span;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

import java.util.Map;
import java.util.regex.Pattern;

/** Turns ANTLR's lexer and parser errors into positioned diagnostics instead of console output. */
final class SyntaxErrorListener extends BaseErrorListener {

    /** Token names as ANTLR prints them in "expecting" sets (unquoted), and what a reader calls them. */
    private static final Map<String, String> TOKEN_NAMES = Map.of(
            "NL", "end of line", "ID", "a name", "INT", "an integer", "FLOAT", "a number", "STRING", "a string");
    private static final Pattern SYMBOLIC = Pattern.compile("(?<!')\\b(NL|ID|INT|FLOAT|STRING)\\b(?!')");

    private final String file;
    private final Diagnostics diagnostics;
    private int count;

    SyntaxErrorListener(String file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        count++;
        diagnostics.error(Span.at(file, line, charPositionInLine + 1), "syntax error: " + readable(msg, offendingSymbol));
    }

    int count() {
        return count;
    }

    /** ANTLR's wording, with newline and end-of-file tokens named as a reader would. */
    private static String readable(String msg, Object offendingSymbol) {
        String text = msg.replace("'\\n'", "end of line").replace("'\\r\\n'", "end of line")
                .replace("'<EOF>'", "end of file").replace("<EOF>", "end of file")
                .replace("token recognition error at: ", "unexpected character ");
        text = SYMBOLIC.matcher(text).replaceAll(m -> TOKEN_NAMES.get(m.group(1)));
        if (offendingSymbol instanceof Token t && t.getType() == Token.EOF && text.startsWith("mismatched input")) {
            text = text.replaceFirst("mismatched input end of file", "unexpected end of file");
        }
        return text;
    }
}
