package dev.nabla.compiler.lower;

import dev.nabla.compiler.Compiler;
import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.SpecLayout;
import dev.nabla.compiler.autodiff.Autodiff;
import dev.nabla.compiler.ir.Graph;
import dev.nabla.runtime.BufferRole;
import dev.nabla.runtime.BufferSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryPlanTest {

    private record Lowered(Program train, MemoryPlan plan, int interfaceCount) {
    }

    private static Lowered fashionTrainStep() {
        ModelIr model = Compiler.compileFile(Path.of("../samples/fashion_mlp.nabla")).model("FashionMlp");
        List<BufferSpec> iface = SpecLayout.interfaceBuffers(model, model.config().optimizer());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < iface.size(); i++) {
            index.put(iface.get(i).name(), i);
        }
        MemoryPlan plan = new MemoryPlan(iface.size());
        Program p = Lowering.lower("trainStep", Autodiff.gradients(model.train()), index, o ->
                o.role() == Graph.OutputRole.GRAD ? SpecLayout.gradName(o.name())
                        : o.role() == Graph.OutputRole.LOSS ? SpecLayout.LOSS : o.name(), plan);
        return new Lowered(p, plan, iface.size());
    }

    @Test
    void noKernelReadsAnArrayItWritesAtAnotherIndex() {
        for (Kernel k : fashionTrainStep().train().kernels()) {
            Map<Integer, Set<Index>> stores = new HashMap<>();
            Map<Integer, Set<Index>> loads = new HashMap<>();
            walk(k.body(), stores, loads);
            for (int b : stores.keySet()) {
                Set<Index> read = loads.getOrDefault(b, Set.of());
                assertTrue(stores.get(b).containsAll(read), k.name() + " reads " + b + " at " + read + " and writes it at "
                        + stores.get(b));
            }
        }
    }

    @Test
    void tempsAreReusedAndSizedPerBatchRow() {
        Lowered l = fashionTrainStep();
        List<BufferSpec> temps = l.plan().tempBuffers();
        long tempValues = l.train().kernels().stream().flatMap(k -> stored(k).stream())
                .filter(b -> b.index() >= l.interfaceCount()).map(Buf::label).distinct().count();
        assertEquals(l.interfaceCount() + temps.size(), 1 + l.train().kernels().stream().flatMap(k -> stored(k).stream())
                .mapToInt(Buf::index).max().orElseThrow(), "temp indices follow the interface buffers");
        assertTrue(temps.size() < tempValues, temps.size() + " temps for " + tempValues + " stored intermediates");
        for (BufferSpec t : temps) {
            assertEquals(BufferRole.TEMP, t.role());
            assertTrue(!t.batched() || t.rank() == 2, t.toString());
        }
        assertFalse(temps.stream().anyMatch(t -> t.batched() && t.rowSize() == 784 * 256), "no batched temp of weight size");
    }

    @Test
    void gradientsAndLossAreWrittenStraightIntoTheirInterfaceBuffers() {
        Lowered l = fashionTrainStep();
        Set<String> written = new HashSet<>();
        l.train().kernels().forEach(k -> stored(k).forEach(b -> written.add(b.label())));
        assertTrue(written.containsAll(List.of("loss", "grad:hidden1.W", "grad:hidden1.b", "probs")), written.toString());
        assertTrue(l.train().kernels().stream().noneMatch(k -> k.comment().startsWith("copy")), "no copies needed");
    }

    private static Set<Buf> stored(Kernel k) {
        Set<Buf> out = new HashSet<>();
        storedBufs(k.body(), out);
        return out;
    }

    private static void storedBufs(List<Stmt> body, Set<Buf> out) {
        for (Stmt s : body) {
            if (s instanceof Stmt.For f) {
                storedBufs(f.body(), out);
            } else if (s instanceof Stmt.Store st) {
                out.add(st.buf());
            } else if (s instanceof Stmt.GemmCall g) {
                out.add(g.c());
            }
        }
    }

    private static void walk(List<Stmt> body, Map<Integer, Set<Index>> stores, Map<Integer, Set<Index>> loads) {
        for (Stmt s : body) {
            if (s instanceof Stmt.For f) {
                walk(f.body(), stores, loads);
            } else if (s instanceof Stmt.Store st) {
                stores.computeIfAbsent(st.buf().index(), x -> new HashSet<>()).add(st.index());
                loads(st.value(), loads);
            } else if (s instanceof Stmt.Let let) {
                loads(let.value(), loads);
            } else if (s instanceof Stmt.Accum a) {
                loads(a.value(), loads);
            } else if (s instanceof Stmt.GemmCall g) {
                stores.computeIfAbsent(g.c().index(), x -> new HashSet<>()).add(Index.ZERO);
                for (Buf in : new Buf[] {g.a(), g.b(), g.bias()}) {
                    if (in != null) {
                        loads.computeIfAbsent(in.index(), x -> new HashSet<>()).add(Index.constant(-1));
                    }
                }
            }
        }
    }

    private static void loads(Expr e, Map<Integer, Set<Index>> loads) {
        if (e instanceof Expr.Load l) {
            loads.computeIfAbsent(l.buf().index(), x -> new HashSet<>()).add(l.index());
        } else if (e instanceof Expr.Unary u) {
            loads(u.a(), loads);
        } else if (e instanceof Expr.Binary b) {
            loads(b.a(), loads);
            loads(b.b(), loads);
        } else if (e instanceof Expr.Select s) {
            loads(s.cond(), loads);
            loads(s.a(), loads);
            loads(s.b(), loads);
        }
    }
}
