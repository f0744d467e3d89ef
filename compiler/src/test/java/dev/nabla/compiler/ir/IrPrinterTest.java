package dev.nabla.compiler.ir;

import dev.nabla.runtime.InitSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IrPrinterTest {

    private static Graph tinyDense() {
        Span at = Span.at("samples/mlp.nabla", 6, 9);
        GraphBuilder b = new GraphBuilder("Mlp.train");
        Value x = b.input("x", TensorType.f32(Shape.BATCH, 4), Graph.InputRole.INPUT, null, Span.at("samples/mlp.nabla", 2, 5));
        Value w = b.input("hidden1.W", TensorType.f32(4, 8), Graph.InputRole.PARAM,
                InitSpec.of(InitSpec.Kind.HE_UNIFORM), Span.at("samples/mlp.nabla", 3, 5));
        Value h = b.add(Op.MATMUL, at, "hidden1", x, w);
        Value r = b.add(Op.RELU, at, "hidden1", h);
        Value s = b.add(Op.SUM, List.of(r), new Attr.Axes(List.of(0, 1), false), at, "loss");
        b.output("h", r, Graph.OutputRole.OUTPUT);
        b.output("loss", s, Graph.OutputRole.LOSS);
        return b.build();
    }

    @Test
    void print_oneLinePerInstruction_withTypesAndPositions() {
        assertEquals("""
                graph Mlp.train {
                  input %x : f32[B,4]  @mlp.nabla:2:5
                  param %hidden1.W : f32[4,8] = he_uniform  @mlp.nabla:3:5
                  %hidden1 = matmul %x, %hidden1.W : f32[B,8]  @mlp.nabla:6:9
                  %hidden1.1 = relu %hidden1 : f32[B,8]  @mlp.nabla:6:9
                  %loss = sum %hidden1.1 {axes=[0,1]} : f32[]  @mlp.nabla:6:9
                  output h = %hidden1.1
                  loss loss = %loss
                }
                """, IrPrinter.print(tinyDense()));
    }

    @Test
    void print_marksGradientInstructions() {
        Instr i = new Instr(new Value("d", TensorType.f32(2)), Op.NEG, List.of(new Value("a", TensorType.f32(2))),
                Attr.NONE, Span.at("m.nabla", 4, 2).inGradient());
        assertEquals("%d = neg %a : f32[2]  @grad m.nabla:4:2", i.toString());
    }

    @Test
    void print_constantShowsValue() {
        GraphBuilder b = new GraphBuilder("c");
        Value c = b.constant(1e-4, Shape.SCALAR, Span.at("m.nabla", 1, 1));
        assertEquals("%c = constant 1.0E-4 : f32[]  @m.nabla:1:1", b.body().get(0).toString());
        assertEquals("c", c.name());
    }

    @Test
    void dot_hasAnEdgePerOperandAndANodePerOutput() {
        String dot = IrPrinter.dot(tinyDense());
        assertTrue(dot.startsWith("digraph \"Mlp.train\" {"));
        assertTrue(dot.contains("\"x\" -> \"hidden1\";"));
        assertTrue(dot.contains("\"hidden1.W\" -> \"hidden1\";"));
        assertTrue(dot.contains("\"loss\" -> \"out:loss:loss\";"));
        assertEquals(dot.chars().filter(ch -> ch == '{').count(), dot.chars().filter(ch -> ch == '}').count());
    }

    @Test
    void builder_keepsNamesUnique() {
        GraphBuilder b = new GraphBuilder("g");
        assertEquals("h", b.fresh("h"));
        assertEquals("h.1", b.fresh("h"));
        assertEquals("h.2", b.fresh("h"));
        assertEquals("h.1.1", b.fresh("h.1"));
    }
}
