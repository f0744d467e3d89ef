package dev.nabla.compiler.ir;

import dev.nabla.runtime.InitSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text form {@link IrPrinter} writes back into a {@link Graph}: {@code parse(print(g))} is {@code g}, except
 * that a span keeps only the file name the text shows. Goldens can so be written as IR in and IR out, and a graph can
 * be edited by hand and fed to the passes. Every instruction's type is checked against its shape rule (the verifier's
 * job, run by {@link #parse}), so a hand-edited graph that does not type-check is rejected with its line.
 */
public final class IrParser {

    private static final Pattern HEADER = Pattern.compile("graph (\\S+) \\{");
    private static final Pattern INPUT = Pattern.compile("(input|target|param|state) %(\\S+) : (\\S+)(?: = (.+?))?  (@.+)");
    private static final Pattern INSTR = Pattern.compile("%(\\S+) = (\\w+)(.*) : (\\S+)( inline)?  (@.+)");
    private static final Pattern OUTPUT = Pattern.compile("(output|loss|grad|state_update|health) (\\S+) = %(\\S+)");
    private static final Pattern SPAN = Pattern.compile("@(grad )?(.+):(\\d+):(\\d+)");
    private static final Pattern TYPE = Pattern.compile("(f32|i32)\\[([^\\]]*)\\]");
    private static final Map<String, Op> OPS = new HashMap<>();

    static {
        for (Op op : Op.values()) {
            OPS.put(op.mnemonic(), op);
        }
    }

    private final Map<String, Value> values = new HashMap<>();
    private int line;

    private IrParser() {
    }

    /** The graph in {@code text}, verified; an {@link IllegalArgumentException} names the line that is wrong. */
    public static Graph parse(String text) {
        return Verifier.verify(new IrParser().graph(text));
    }

    private Graph graph(String text) {
        List<String> lines = text.lines().toList();
        line = 1;
        Matcher header = match(HEADER, lines.isEmpty() ? "" : lines.get(0).strip(), "a 'graph NAME {' line");
        List<Graph.Input> inputs = new ArrayList<>();
        List<Instr> body = new ArrayList<>();
        List<Graph.Output> outputs = new ArrayList<>();
        for (line = 2; line <= lines.size(); line++) {
            String l = lines.get(line - 1).strip();
            if (l.equals("}")) {
                return new Graph(header.group(1), inputs, body, outputs);
            }
            if (l.startsWith("%")) {
                body.add(instr(l));
            } else if (INPUT.matcher(l).matches()) {
                inputs.add(input(l));
            } else {
                outputs.add(output(l));
            }
        }
        throw error("the graph has no closing '}'");
    }

    private Graph.Input input(String l) {
        Matcher m = match(INPUT, l, "an input");
        Value v = define(m.group(2), type(m.group(3)));
        Graph.InputRole role = Graph.InputRole.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        return new Graph.Input(v, role, m.group(4) == null ? null : init(m.group(4)), span(m.group(5)));
    }

    private Instr instr(String l) {
        Matcher m = match(INSTR, l, "an instruction '%NAME = OP OPERANDS {ATTR} : TYPE [inline]  @FILE:LINE:COL'");
        Op op = OPS.get(m.group(2));
        if (op == null) {
            throw error("unknown op '" + m.group(2) + "'");
        }
        String rest = m.group(3).strip();
        String attrText = "";
        List<Value> args = new ArrayList<>();
        if (op.arity() == 0) {
            attrText = rest;
        } else {
            int brace = rest.indexOf('{');
            if (brace >= 0) {
                if (!rest.endsWith("}")) {
                    throw error("an attribute is written {...}");
                }
                attrText = rest.substring(brace + 1, rest.length() - 1);
                rest = rest.substring(0, brace).strip();
            }
            for (String a : rest.split(",")) {
                args.add(use(a.strip()));
            }
        }
        Value out = define(m.group(1), type(m.group(4)));
        return new Instr(out, op, args, attr(op, attrText), span(m.group(6)), m.group(5) != null);
    }

    private Graph.Output output(String l) {
        Matcher m = match(OUTPUT, l, "an input, an instruction or an output");
        Graph.OutputRole role = Graph.OutputRole.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        return new Graph.Output(m.group(2), use("%" + m.group(3)), role);
    }

    private Value define(String name, TensorType type) {
        Value v = new Value(name, type);
        if (values.putIfAbsent(name, v) != null) {
            throw error("%" + name + " is defined twice");
        }
        return v;
    }

    private Value use(String ref) {
        if (!ref.startsWith("%")) {
            throw error("an operand is a %value, got '" + ref + "'");
        }
        Value v = values.get(ref.substring(1));
        if (v == null) {
            throw error("%" + ref.substring(1) + " is used before it is defined");
        }
        return v;
    }

    private TensorType type(String text) {
        Matcher m = match(TYPE, text, "a type such as f32[B,4]");
        return new TensorType(DType.valueOf(m.group(1).toUpperCase(Locale.ROOT)), shape(m.group(2)));
    }

    private Shape shape(String dims) {
        if (dims.isBlank()) {
            return Shape.SCALAR;
        }
        List<Integer> out = new ArrayList<>();
        for (String d : dims.split(",")) {
            out.add(d.strip().equals("B") ? Shape.BATCH : number(d.strip()));
        }
        return new Shape(out);
    }

    /** The attribute's text, by its leading key; a constant's is its bare value. */
    private Attr attr(Op op, String text) {
        if (text.isEmpty()) {
            return Attr.NONE;
        }
        if (op == Op.CONSTANT) {
            return new Attr.Const(Double.parseDouble(text));
        }
        Map<String, String> kv = new HashMap<>();
        boolean keepDims = false;
        for (String part : text.split(" ")) {
            int eq = part.indexOf('=');
            if (eq < 0 && part.equals("keepdims")) {
                keepDims = true;
            } else if (eq < 0) {
                throw error("attribute '" + part + "' is not KEY=VALUE");
            } else {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        if (kv.containsKey("axes")) {
            return new Attr.Axes(list(kv.get("axes")), keepDims);
        } else if (kv.containsKey("perm")) {
            return new Attr.Perm(list(kv.get("perm")));
        } else if (kv.containsKey("window")) {
            return window(kv);
        } else if (kv.containsKey("offset")) {
            return new Attr.Region(list(kv.get("offset")), bracketed(kv.get("to")));
        } else if (kv.containsKey("stream")) {
            return new Attr.Draw(number(kv.get("stream")), bracketed(kv.get("to")));
        } else if (kv.containsKey("to")) {
            return new Attr.To(bracketed(kv.get("to")));
        } else if (kv.containsKey("trans")) {
            return trans(kv.get("trans"));
        } else if (kv.containsKey("axis")) {
            return new Attr.Axis(number(kv.get("axis")));
        } else if (kv.containsKey("depth")) {
            return new Attr.Depth(number(kv.get("depth")));
        }
        throw error("unknown attribute '" + text + "'");
    }

    private Attr.Window window(Map<String, String> kv) {
        int[] k = pair(kv.get("window"));
        int[] s = pair(kv.get("stride"));
        int[] pad = kv.containsKey("pad") ? Arrays.stream(kv.get("pad").split(",")).mapToInt(this::number).toArray()
                : new int[4];
        int[] d = kv.containsKey("dilation") ? pair(kv.get("dilation")) : new int[] {1, 1};
        int[] in = pair(kv.get("in"));
        if (pad.length != 4) {
            throw error("pad has four values: top, left, bottom, right");
        }
        return new Attr.Window(k[0], k[1], s[0], s[1], pad[0], pad[1], pad[2], pad[3], d[0], d[1], in[0], in[1]);
    }

    private Attr.Trans trans(String text) {
        if (!text.matches("[nt][nt]")) {
            throw error("trans is two letters, n or t, for a and b (trans=nt), got '" + text + "'");
        }
        return new Attr.Trans(text.charAt(0) == 't', text.charAt(1) == 't');
    }

    private int[] pair(String text) {
        String[] p = text == null ? new String[0] : text.split("x");
        if (p.length != 2) {
            throw error("a window size is written HxW, got '" + text + "'");
        }
        return new int[] {number(p[0]), number(p[1])};
    }

    private List<Integer> list(String text) {
        if (text == null || !text.startsWith("[") || !text.endsWith("]")) {
            throw error("a list is written [a,b], got '" + text + "'");
        }
        String inner = text.substring(1, text.length() - 1);
        return inner.isEmpty() ? List.of() : Arrays.stream(inner.split(",")).map(this::number).toList();
    }

    private Shape bracketed(String text) {
        if (text == null || !text.startsWith("[") || !text.endsWith("]")) {
            throw error("a shape is written [B,4], got '" + text + "'");
        }
        return shape(text.substring(1, text.length() - 1));
    }

    private InitSpec init(String text) {
        Matcher f = Pattern.compile("(\\w+)\\((.*)\\)").matcher(text);
        if (!f.matches()) {
            try {
                return InitSpec.of(InitSpec.Kind.valueOf(text.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw error("unknown initializer '" + text + "'");
            }
        }
        double[] a = Arrays.stream(f.group(2).split(",")).mapToDouble(x -> Double.parseDouble(x.strip())).toArray();
        InitSpec.Kind kind = InitSpec.Kind.valueOf(f.group(1).toUpperCase(Locale.ROOT));
        return new InitSpec(kind, a[0], a.length > 1 ? a[1] : 0);
    }

    private Span span(String text) {
        Matcher m = match(SPAN, text, "a position @FILE:LINE:COL");
        return new Span(m.group(2), number(m.group(3)), number(m.group(4)), m.group(1) != null);
    }

    private int number(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw error("'" + text + "' is not an integer");
        }
    }

    private Matcher match(Pattern p, String text, String what) {
        Matcher m = p.matcher(text);
        if (!m.matches()) {
            throw error("expected " + what + ", got '" + text + "'");
        }
        return m;
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("line " + line + ": " + message);
    }
}
