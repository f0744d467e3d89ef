package dev.nabla.compiler.ir;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifierTest {

    private static final Span AT = Span.at("v.nabla", 2, 5);
    private static final Value X = new Value("x", TensorType.f32(Shape.BATCH, 3));
    private static final Value W = new Value("w", TensorType.f32(3, 2));
    private static final Graph.Input X_IN = new Graph.Input(X, Graph.InputRole.INPUT, null, AT);
    private static final Graph.Input W_IN = new Graph.Input(W, Graph.InputRole.PARAM, null, AT);
    private static final Value H = new Value("h", TensorType.f32(Shape.BATCH, 2));
    private static final Instr MATMUL = new Instr(H, Op.MATMUL, List.of(X, W), Attr.NONE, AT);

    private static Graph graph(List<Graph.Input> inputs, List<Instr> body, List<Graph.Output> outputs) {
        return new Graph("g", inputs, body, outputs);
    }

    private static void assertRejected(Graph g, String problem, String line) {
        Verifier.VerifyException e = assertThrows(Verifier.VerifyException.class, () -> Verifier.verify(g));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains(line), e.getMessage());
    }

    @Test
    void validGraph_isReturnedUnchanged() {
        Value loss = new Value("loss", TensorType.f32());
        Instr sum = new Instr(loss, Op.SUM, List.of(H), new Attr.Axes(List.of(0, 1), false), AT);
        Graph g = graph(List.of(X_IN, W_IN), List.of(MATMUL, sum), List.of(new Graph.Output("loss", loss, Graph.OutputRole.LOSS)));
        assertSame(g, Verifier.verify(g));
    }

    @Test
    void stateUpdate_mustNameAStateOfItsType_once() {
        Value s = new Value("s", TensorType.f32(2));
        Graph.Input sIn = new Graph.Input(s, Graph.InputRole.STATE, null, AT);
        Value next = new Value("next", TensorType.f32(2));
        Instr neg = new Instr(next, Op.NEG, List.of(s), Attr.NONE, AT);
        Graph.Output update = new Graph.Output("s", next, Graph.OutputRole.STATE_UPDATE);
        Graph ok = graph(List.of(sIn, W_IN), List.of(neg), List.of(update));
        assertSame(ok, Verifier.verify(ok));
        assertRejected(graph(List.of(sIn, W_IN), List.of(neg), List.of(update, update)), "updated twice",
                "state_update s = %next");
        assertRejected(graph(List.of(sIn, W_IN), List.of(neg), List.of(new Graph.Output("w", next,
                Graph.OutputRole.STATE_UPDATE))), "no state input w", "state_update w");
        assertRejected(graph(List.of(sIn, W_IN), List.of(), List.of(new Graph.Output("s", W,
                Graph.OutputRole.STATE_UPDATE))), "the update is f32[3,2] but the state is f32[2]", "state_update s");
    }

    @Test
    void valueDefinedTwice_isRejected() {
        Instr again = new Instr(H, Op.NEG, List.of(H), Attr.NONE, AT);
        assertRejected(graph(List.of(X_IN, W_IN), List.of(MATMUL, again), List.of()), "defined twice", "%h = neg %h");
    }

    @Test
    void instructionRedefiningAnInput_isRejected() {
        Instr shadow = new Instr(X, Op.NEG, List.of(X), Attr.NONE, AT);
        assertRejected(graph(List.of(X_IN), List.of(shadow), List.of()), "defined twice", "%x = neg %x");
    }

    @Test
    void inputDeclaredTwice_isRejected() {
        assertRejected(graph(List.of(X_IN, X_IN), List.of(), List.of()), "declared twice", "input %x");
    }

    @Test
    void useBeforeDefinition_isRejected() {
        Value n = new Value("n", H.type());
        Instr neg = new Instr(n, Op.NEG, List.of(H), Attr.NONE, AT);
        assertRejected(graph(List.of(X_IN, W_IN), List.of(neg, MATMUL), List.of()), "used before", "%n = neg %h");
    }

    @Test
    void useWithAnotherTypeThanItsDefinition_isRejected() {
        Value wrongX = new Value("x", TensorType.f32(4, 3));
        Value h = new Value("h", TensorType.f32(4, 2));
        Instr mm = new Instr(h, Op.MATMUL, List.of(wrongX, W), Attr.NONE, AT);
        assertRejected(graph(List.of(X_IN, W_IN), List.of(mm), List.of()), "defined as f32[B,3]", "%h = matmul");
    }

    @Test
    void wrongArity_isRejected() {
        Instr add = new Instr(new Value("a", X.type()), Op.ADD, List.of(X), Attr.NONE, AT);
        assertRejected(graph(List.of(X_IN), List.of(add), List.of()), "takes 2 operand(s), got 1", "%a = add %x");
    }

    @Test
    void typeDisagreeingWithShapeRule_isRejected() {
        Instr mm = new Instr(new Value("h", TensorType.f32(Shape.BATCH, 3)), Op.MATMUL, List.of(X, W), Attr.NONE, AT);
        assertRejected(graph(List.of(X_IN, W_IN), List.of(mm), List.of()), "should be f32[B,2]", "%h = matmul %x, %w");
    }

    @Test
    void operandsTheShapeRuleRejects_areRejected() {
        Instr mm = new Instr(new Value("h", TensorType.f32(3, 3)), Op.MATMUL, List.of(W, W), Attr.NONE, AT);
        assertRejected(graph(List.of(W_IN), List.of(mm), List.of()), "shape rule rejects", "%h = matmul %w, %w");
    }

    @Test
    void constantOfIntegerType_isRejected() {
        Value c = new Value("c", new TensorType(DType.I32, Shape.of(2)));
        Instr k = new Instr(c, Op.CONSTANT, List.of(), new Attr.Const(1), AT);
        assertRejected(graph(List.of(), List.of(k), List.of()), "constant needs", "%c = constant 1");
    }

    @Test
    void instructionWithoutSpan_isRejected() {
        Instr noSpan = new Instr(H, Op.MATMUL, List.of(X, W), Attr.NONE, null);
        assertRejected(graph(List.of(X_IN, W_IN), List.of(noSpan), List.of()), "no source span", "matmul %x, %w");
    }

    @Test
    void inputWithoutSpan_isRejected() {
        Graph.Input bare = new Graph.Input(X, Graph.InputRole.INPUT, null, null);
        assertRejected(graph(List.of(bare), List.of(), List.of()), "no source span", "input %x");
    }

    @Test
    void outputOfUndefinedValue_isRejected() {
        Graph.Output out = new Graph.Output("h", H, Graph.OutputRole.OUTPUT);
        assertRejected(graph(List.of(X_IN), List.of(), List.of(out)), "undefined value", "output h = %h");
    }

    @Test
    void nonScalarLoss_isRejected() {
        Graph.Output loss = new Graph.Output("loss", H, Graph.OutputRole.LOSS);
        assertRejected(graph(List.of(X_IN, W_IN), List.of(MATMUL), List.of(loss)), "must be a scalar", "loss loss = %h");
    }

    private static final String INLINE = """
            graph G {
              input %x : f32[B,3]  @g.nabla:1:1
              input %w : f32[3,2]  @g.nabla:1:1
              %e = exp %x : f32[B,3] inline  @g.nabla:2:1
              %y = neg %e : f32[B,3]  @g.nabla:3:1
              output y = %y
            }
            """;

    @Test
    void inlineValue_isAnExpressionReadElementwise_andNoOutput() {
        assertTrue(IrParser.parse(INLINE).body().get(0).inline());
        Verifier.VerifyException output = assertThrows(Verifier.VerifyException.class,
                () -> IrParser.parse(INLINE.replace("output y = %y", "output y = %e")));
        assertTrue(output.getMessage().contains("an output is stored, never inline"), output.getMessage());
        Verifier.VerifyException whole = assertThrows(Verifier.VerifyException.class, () -> IrParser.parse(INLINE
                .replace("%y = neg %e : f32[B,3]", "%y = matmul %e, %w : f32[B,2]")));
        assertTrue(whole.getMessage().contains("reads operand 0 whole"), whole.getMessage());
        Verifier.VerifyException notExpression = assertThrows(Verifier.VerifyException.class, () -> IrParser.parse(INLINE
                .replace("%e = exp %x : f32[B,3] inline", "%e = softmax %x {axis=1} : f32[B,3] inline")));
        assertTrue(notExpression.getMessage().contains("softmax is not an expression"), notExpression.getMessage());
    }

    @Test
    void biasGradient_directlyFollowsTheFilterGradientOfItsGradient() {
        String text = """
                graph G {
                  input %x : f32[B,1,4,4]  @g.nabla:1:1
                  input %g : f32[B,2,3,3]  @g.nabla:1:1
                  %dw = conv2d_backward_filter %x, %g {window=2x2 stride=1x1 in=4x4} : f32[2,1,2,2]  @g.nabla:2:1
                  %db = conv2d_backward_bias %g, %dw : f32[2]  @g.nabla:3:1
                  output dw = %dw
                  output db = %db
                }
                """;
        assertEquals(2, IrParser.parse(text).body().size());
        String apart = text.replace("  %db = conv2d_backward_bias", "  %n = neg %g : f32[B,2,3,3]  @g.nabla:2:1\n"
                + "  %db = conv2d_backward_bias");
        Verifier.VerifyException e = assertThrows(Verifier.VerifyException.class, () -> IrParser.parse(apart));
        assertTrue(e.getMessage().contains("must directly follow the conv2d_backward_filter"), e.getMessage());
    }
}
