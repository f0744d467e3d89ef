package dev.nabla.compiler.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mistakes people make and the inputs attackers send, as edits of a source text. Each mutator is a pure function
 * of the text and the generator, so a seed reproduces a mutant. Tokens are found by a small lexer of their own
 * (names, numbers, strings, comments, single characters), which is enough to cut a source at token boundaries
 * without trusting the compiler's lexer, the thing under test.
 */
enum Mutators {
    TOKEN_DELETE {
        @Override
        String apply(String s, Random r) {
            List<int[]> t = tokens(s);
            int[] k = t.isEmpty() ? null : t.get(r.nextInt(t.size()));
            return k == null ? s : s.substring(0, k[0]) + s.substring(k[1]);
        }
    },
    TOKEN_INSERT {
        @Override
        String apply(String s, Random r) {
            String token = r.nextInt(3) == 0 ? pick(tokenTexts(s), r) : STRAY[r.nextInt(STRAY.length)];
            int at = boundary(s, r);
            return s.substring(0, at) + token + s.substring(at);
        }
    },
    TOKEN_SWAP {
        @Override
        String apply(String s, Random r) {
            List<int[]> t = tokens(s);
            if (t.size() < 2) {
                return s;
            }
            int i = r.nextInt(t.size() - 1);
            int j = r.nextInt(4) == 0 ? r.nextInt(t.size()) : i + 1;
            int[] a = t.get(Math.min(i, j));
            int[] b = t.get(Math.max(i, j));
            if (a == b) {
                return s;
            }
            return s.substring(0, a[0]) + s.substring(b[0], b[1]) + s.substring(a[1], b[0]) + s.substring(a[0], a[1])
                    + s.substring(b[1]);
        }
    },
    LINE_DUPLICATE {
        @Override
        String apply(String s, Random r) {
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            int i = r.nextInt(lines.size());
            int copies = r.nextInt(8) == 0 ? 1 + r.nextInt(200) : 1;
            for (int c = 0; c < copies; c++) {
                lines.add(i, lines.get(i));
            }
            return String.join("\n", lines);
        }
    },
    LINE_SWAP {
        @Override
        String apply(String s, Random r) {
            String[] lines = s.split("\n", -1);
            int a = r.nextInt(lines.length);
            int b = r.nextInt(lines.length);
            String t = lines[a];
            lines[a] = lines[b];
            lines[b] = t;
            return String.join("\n", lines);
        }
    },
    /** A number replaced by one at an edge: zero, negative, past an int, past a double, not a number. */
    EXTREME_NUMBER {
        @Override
        String apply(String s, Random r) {
            Matcher m = NUMBER.matcher(s);
            List<int[]> spans = new ArrayList<>();
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
            }
            String n = EXTREMES[r.nextInt(EXTREMES.length)];
            if (spans.isEmpty()) {
                int at = boundary(s, r);
                return s.substring(0, at) + n + s.substring(at);
            }
            int[] k = spans.get(r.nextInt(spans.size()));
            return s.substring(0, k[0]) + n + s.substring(k[1]);
        }
    },
    /** An expression wrapped in many parentheses, calls or brackets: recursion depth in every stage. */
    DEEP_NESTING {
        @Override
        String apply(String s, Random r) {
            Matcher m = NAME.matcher(s);
            List<int[]> names = new ArrayList<>();
            while (m.find()) {
                names.add(new int[] {m.start(), m.end()});
            }
            if (names.isEmpty()) {
                return s;
            }
            int[] k = names.get(r.nextInt(names.size()));
            int depth = 1 << (3 + r.nextInt(10));
            String[][] wraps = {{"(", ")"}, {"relu(", ")"}, {"-", ""}, {"[", "]"}, {"exp(", ")"}, {"(", " + 1)"}};
            String[] w = wraps[r.nextInt(wraps.length)];
            return s.substring(0, k[0]) + w[0].repeat(depth) + s.substring(k[0], k[1]) + w[1].repeat(depth)
                    + s.substring(k[1]);
        }
    },
    /** A name made huge (past the 255-character limit, past the class file's 64 KB constants) everywhere it occurs. */
    HUGE_IDENTIFIER {
        @Override
        String apply(String s, Random r) {
            Matcher m = NAME.matcher(s);
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group());
            }
            if (names.isEmpty()) {
                return s;
            }
            int[] lengths = {256, 1000, 70_000, 200_000};
            String name = names.get(r.nextInt(names.size()));
            String huge = name + "_".repeat(lengths[r.nextInt(lengths.length)]);
            return r.nextBoolean() ? s.replaceAll("\\b" + Pattern.quote(name) + "\\b", Matcher.quoteReplacement(huge))
                    : s.replaceFirst("\\b" + Pattern.quote(name) + "\\b", Matcher.quoteReplacement(huge));
        }
    },
    /** Letters from other scripts, combining marks, zero-width and direction marks, lone surrogates, NUL. */
    UNICODE {
        @Override
        String apply(String s, Random r) {
            String[] odd = {"\uD800", "\uDFFF", "\uDBFF", "\u0000", "\u200B", "\u202E", "\uFEFF", "\u0301", "é", "λ",
                    "ｘ", "𝑥", "\uD835\uDC65", "\u00A0", "\u2028", "\r", "\t", "\u000B", "\uFFFF", "名前"};
            StringBuilder b = new StringBuilder(s);
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                b.insert(r.nextInt(b.length() + 1), odd[r.nextInt(odd.length)]);
            }
            return b.toString();
        }
    },
    /** Bytes that are no text at all, as a file of another kind read as Latin-1 would give. */
    BINARY_GARBAGE {
        @Override
        String apply(String s, Random r) {
            char[] g = new char[1 + r.nextInt(r.nextInt(10) == 0 ? 4096 : 64)];
            for (int k = 0; k < g.length; k++) {
                g[k] = (char) r.nextInt(256);
            }
            int at = r.nextInt(4) == 0 ? 0 : r.nextInt(s.length() + 1);
            return r.nextInt(10) == 0 ? new String(g) : s.substring(0, at) + new String(g) + s.substring(at);
        }
    },
    TRUNCATE {
        @Override
        String apply(String s, Random r) {
            return s.substring(0, r.nextInt(s.length() + 1));
        }
    },
    /** A name replaced by another name of the file: the wrong variable, a layer used as a value, a shadowed builtin. */
    RENAME {
        @Override
        String apply(String s, Random r) {
            Matcher m = NAME.matcher(s);
            List<int[]> spans = new ArrayList<>();
            List<String> names = new ArrayList<>();
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
                names.add(m.group());
            }
            if (spans.isEmpty()) {
                return s;
            }
            int[] k = spans.get(r.nextInt(spans.size()));
            return s.substring(0, k[0]) + pick(names, r) + s.substring(k[1]);
        }
    };

    /** Edits {@code s}; the result may be anything, including the same text. */
    abstract String apply(String s, Random r);

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d*)?([eE][-+]?\\d+)?");
    private static final Pattern TOKEN = Pattern.compile("//[^\n]*|/\\*.*?\\*/|\"[^\"\n]*\"|[A-Za-z_][A-Za-z_0-9]*"
            + "|\\d+(\\.\\d*)?([eE][-+]?\\d+)?|==|!=|<=|>=|\\*\\*|\\S", Pattern.DOTALL);
    static final String[] EXTREMES = {"0", "-1", "1", "2147483648", "2147483647", "4294967296", "-2147483649",
            "9223372036854775808", "1e309", "-1e309", "1e-320", "NaN", "inf", "0.0", "-0.0", "1e38", "65536", "3.5"};
    private static final String[] STRAY = {"(", ")", "[", "]", "{", "}", ",", "=", ":", "-", "@", "*", "/", "+", "**",
            ";", "==", ">", "<", "!", "B", "x", "\"s\"", "\"", "training", "if", "else", "return", "param", "state",
            "update", "output", "input", "target", "loss", "def", "model", "train", "import", "classes", "f32", "i32",
            "[:, 0, :]", "[:, -1]", "[B, 0]", "dropout(", "gru(", "\n", "// c\n", "/*", "*/", "weights", "params(\"*\")"};

    /** Start and end of every token, in order. */
    static List<int[]> tokens(String s) {
        List<int[]> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            out.add(new int[] {m.start(), m.end()});
        }
        return out;
    }

    private static List<String> tokenTexts(String s) {
        return tokens(s).stream().map(k -> s.substring(k[0], k[1])).toList();
    }

    /** A position between tokens (or at either end). */
    private static int boundary(String s, Random r) {
        List<int[]> t = tokens(s);
        if (t.isEmpty()) {
            return r.nextInt(s.length() + 1);
        }
        int[] k = t.get(r.nextInt(t.size()));
        return r.nextBoolean() ? k[0] : k[1];
    }

    private static String pick(List<String> from, Random r) {
        return from.isEmpty() ? "x" : from.get(r.nextInt(from.size()));
    }

    /**
     * Mutants grow by at most this many characters over their sample: a mutant that would grow more (a huge name
     * duplicated on 200 lines) keeps its previous form, so one input never needs gigabytes.
     */
    static final int MAX_GROWTH = 1 << 20;

    /** One to three edits by mutators drawn at random. */
    static String mutate(String src, Random r) {
        String s = src;
        for (int e = 1 + r.nextInt(3); e > 0; e--) {
            String next = values()[r.nextInt(values().length)].apply(s, r);
            s = next.length() <= src.length() + MAX_GROWTH ? next : s;
        }
        return s;
    }
}
