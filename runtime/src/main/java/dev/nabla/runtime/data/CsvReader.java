package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated numbers (plain or gzipped), one sample per line, the label in one column ({@code label}:
 * an index, negative from the end, or a column name when there is a header line). With {@code header} the first
 * line names the columns and is skipped. The scikit-learn layout ({@code count,features,class names...} on the
 * first line, as in {@code samples/data}) is recognised by its shape unless {@code layout = "plain"}, and its
 * counts are checked against the rows that follow. {@code drop} names one more column that is neither a feature nor
 * the label (the scikit-learn class column when another column is the regression target).
 */
final class CsvReader {

    /**
     * @param label  label column: "-1" (last, default), "0", or a header name; "none" for features only
     * @param header the first line names the columns
     * @param layout "sklearn" or "auto" (recognise the scikit-learn count line), "plain" (never)
     * @param drop   a column to skip, chosen as {@code label} is; null or "none" for none
     */
    record Options(String label, boolean header, String layout, String drop) {
    }

    private final Path file;
    private final Options options;

    private CsvReader(Path file, Options options) {
        this.file = file;
        this.options = options;
    }

    static Dataset read(Path file, Options options) {
        return new CsvReader(file, options).read();
    }

    /** The class names of the scikit-learn count line ({@code count,features,name,name...}), or none. */
    static List<String> classNames(Path file, Options options) {
        String[] lines = new CsvReader(file, options).lines();
        if (options.header() || "plain".equals(options.layout()) || !looksLikeSklearnCounts(lines)) {
            return List.of();
        }
        List<String> head = fields(lines[0]);
        return head.subList(2, head.size()).stream().map(String::trim).toList();
    }

    private String[] lines() {
        String text = new String(DataFiles.readAll(file), StandardCharsets.UTF_8);
        // spreadsheet exports often start with a byte-order mark, which is not part of the first number
        return (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r?\n", -1);
    }

    private Dataset read() {
        String[] lines = lines();
        int first = 0;
        List<String> columnNames = null;
        int[] sklearnCounts = null;
        if (options.header()) {
            columnNames = fields(lines[0]);
            first = 1;
        } else if (!"plain".equals(options.layout()) && looksLikeSklearnCounts(lines)) {
            List<String> head = fields(lines[0]);
            sklearnCounts = new int[] {Integer.parseInt(head.get(0).trim()), Integer.parseInt(head.get(1).trim())};
            first = 1;
        }
        int last = lines.length;
        while (last > first && lines[last - 1].isBlank()) {
            last--;
        }
        if (last == first) {
            throw new NablaException(file + ": no data rows");
        }
        int columns = fields(lines[first]).size();
        int labelColumn = column("label", options.label() == null ? "-1" : options.label(), columnNames, columns);
        int dropColumn = column("drop", options.drop() == null ? "none" : options.drop(), columnNames, columns);
        if (dropColumn >= 0 && dropColumn == labelColumn) {
            throw new NablaException(file + ": column " + dropColumn + " is both the label and dropped");
        }
        Dataset data = parseRows(lines, first, last, columns, labelColumn, dropColumn);
        if (sklearnCounts != null) {
            checkCounts(sklearnCounts, data.rows(), columns - 1);
        }
        return data;
    }

    /** First line {@code n,f,name,name...}: two integer counts followed only by class names (non-numbers). */
    private static boolean looksLikeSklearnCounts(String[] lines) {
        List<String> head = fields(lines[0]);
        if (head.size() < 3 || !head.get(0).trim().matches("\\d+") || !head.get(1).trim().matches("\\d+")) {
            return false;
        }
        for (int i = 2; i < head.size(); i++) {
            if (isNumber(head.get(i))) {
                return false;
            }
        }
        return true;
    }

    private void checkCounts(int[] counts, int rows, int features) {
        if (counts[0] != rows) {
            throw new NablaException(file + ": line 1 announces " + counts[0] + " samples but the file has " + rows);
        }
        if (counts[1] != features) {
            throw new NablaException(file + ": line 1 announces " + counts[1] + " features but rows have " + features
                    + " besides the label");
        }
    }

    /** The column {@code label} (an index, negative from the end, or a header name) picks, or -1 for "none". */
    private int column(String what, String chosen, List<String> names, int columns) {
        String label = chosen.trim();
        if (label.equals("none")) {
            return -1;
        }
        if (label.matches("-?\\d+")) {
            int index = Integer.parseInt(label);
            int column = index < 0 ? columns + index : index;
            if (column < 0 || column >= columns) {
                throw new NablaException(file + ": " + what + " column " + index + " does not exist (rows have " + columns + " columns)");
            }
            return column;
        }
        int column = names == null ? -1 : names.stream().map(String::trim).toList().indexOf(label);
        if (column < 0) {
            throw new NablaException(file + ": no column named \"" + label + "\"" + (names == null ? " (the file has no header line; use header = true)" : ""));
        }
        return column;
    }

    private Dataset parseRows(String[] lines, int first, int last, int columns, int labelColumn, int dropColumn) {
        int rows = last - first;
        int features = columns - (labelColumn < 0 ? 0 : 1) - (dropColumn < 0 ? 0 : 1);
        float[] x = new float[rows * features];
        float[] y = labelColumn < 0 ? null : new float[rows];
        int[] lineNumbers = new int[rows];
        for (int r = 0; r < rows; r++) {
            int lineNumber = first + r + 1;
            lineNumbers[r] = lineNumber;
            List<String> f = fields(lines[first + r]);
            if (f.size() != columns) {
                throw new NablaException(file + " line " + lineNumber + ": " + f.size() + " fields, expected " + columns);
            }
            int k = 0;
            for (int c = 0; c < columns; c++) {
                float v = number(f.get(c), lineNumber, c);
                if (c == labelColumn) {
                    y[r] = v;
                } else if (c == dropColumn) {
                    continue;
                } else {
                    x[r * features + k++] = v;
                }
            }
        }
        return new Dataset(file.toString(), x, new int[] {features}, y, 1, false, lineNumbers);
    }

    /**
     * A field as a message quotes it: at most 40 characters, control characters, undecodable bytes and lone
     * surrogates escaped, so a binary file read as CSV gives one readable line, not a terminal full of bytes.
     */
    static String shown(String field) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < field.length() && i < 40; i++) {
            char c = field.charAt(i);
            boolean plain = c >= 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xA0) && c != '\uFFFD' && !Character.isSurrogate(c);
            b.append(plain ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.append(field.length() > 40 ? "...\" (" + field.length() + " characters)" : "\"").toString();
    }

    private float number(String field, int line, int column) {
        String s = field.trim();
        float v;
        try {
            v = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new NablaException(file + " line " + line + ", column " + (column + 1) + ": " + shown(s) + " is not a number");
        }
        if (!Float.isFinite(v)) {
            throw new NablaException(file + " line " + line + ", column " + (column + 1) + ": " + shown(s)
                    + " is not a finite number (missing values are not supported)");
        }
        return v;
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == ',') {
                out.add(unquote(line.substring(start, i)));
                start = i + 1;
            }
        }
        return out;
    }

    private static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
