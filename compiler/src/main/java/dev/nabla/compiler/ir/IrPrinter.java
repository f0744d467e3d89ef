package dev.nabla.compiler.ir;

import java.util.stream.Collectors;

/** The stable textual form of a graph, one line per input, instruction and output; golden tests compare it. */
public final class IrPrinter {

    private IrPrinter() {
    }

    public static String print(Graph g) {
        StringBuilder s = new StringBuilder("graph ").append(g.name()).append(" {\n");
        for (Graph.Input in : g.inputs()) {
            s.append("  ").append(in.role().name().toLowerCase()).append(' ').append(in.value())
                    .append(" : ").append(in.value().type());
            if (in.init() != null) {
                s.append(" = ").append(in.init());
            }
            s.append("  ").append(in.span()).append('\n');
        }
        for (Instr i : g.body()) {
            s.append("  ").append(i).append('\n');
        }
        for (Graph.Output o : g.outputs()) {
            s.append("  ").append(o.role().name().toLowerCase()).append(' ').append(o.name())
                    .append(" = ").append(o.value()).append('\n');
        }
        return s.append("}\n").toString();
    }

    /** Graphviz DOT: inputs as boxes, instructions as ellipses labelled with op and type, outputs as diamonds. */
    public static String dot(Graph g) {
        StringBuilder s = new StringBuilder("digraph \"").append(esc(g.name())).append("\" {\n  rankdir=TB;\n");
        for (Graph.Input in : g.inputs()) {
            s.append("  \"").append(esc(in.value().name())).append("\" [shape=box,label=\"")
                    .append(esc(in.value().name())).append("\\n").append(in.value().type()).append("\"];\n");
        }
        for (Instr i : g.body()) {
            s.append("  \"").append(esc(i.out().name())).append("\" [label=\"").append(esc(i.out().name()))
                    .append(" = ").append(i.op().mnemonic()).append(i.attr() instanceof Attr.None ? "" : " " + esc(i.attr().toString()))
                    .append("\\n").append(i.out().type()).append("\"];\n");
            for (Value a : i.args()) {
                s.append("  \"").append(esc(a.name())).append("\" -> \"").append(esc(i.out().name())).append("\";\n");
            }
        }
        for (Graph.Output o : g.outputs()) {
            String id = "out:" + o.role().name().toLowerCase() + ":" + o.name();
            s.append("  \"").append(esc(id)).append("\" [shape=diamond,label=\"")
                    .append(esc(o.role().name().toLowerCase() + " " + o.name())).append("\"];\n");
            s.append("  \"").append(esc(o.value().name())).append("\" -> \"").append(esc(id)).append("\";\n");
        }
        return s.append("}\n").toString();
    }

    private static String esc(String text) {
        return text.chars().mapToObj(c -> c == '"' || c == '\\' ? "\\" + (char) c : String.valueOf((char) c))
                .collect(Collectors.joining());
    }
}
