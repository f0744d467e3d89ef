package dev.nabla.cli;

import dev.nabla.compiler.ModelIr;
import dev.nabla.compiler.autodiff.GradCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nabla gradcheck FILE}: compares every parameter's symbolic gradient with central finite
 * differences (double precision, through the reference interpreter) and exits 1 when one is off.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Checks every parameter's symbolic gradient against central finite differences.")
final class GradcheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelSource source;

    @Option(names = "--seed", paramLabel = "S", description = "seed for the random inputs and parameters (default: the train block's)")
    private Long seed;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-4",
            description = "largest relative error accepted (default: ${DEFAULT-VALUE})")
    private double tolerance;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "4", description = "batch size (default: ${DEFAULT-VALUE})")
    private int batch;

    @Override
    public Integer call() {
        if (batch < 1 || !(tolerance > 0)) {
            throw new UserError("--batch must be at least 1 and --tolerance positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        ModelIr m = source.loadWithLoss(spec.commandLine().getErr(), "differentiated");
        long s = seed != null ? seed : m.config().seed();
        out.printf("gradient check of %s, batch %d, seed %d, tolerance %.1e%n", m.name(), batch, s, tolerance);
        List<GradCheck.Result> results = GradCheck.check(m, s, tolerance, batch);
        return printTable(out, results);
    }

    private static int printTable(PrintWriter out, List<GradCheck.Result> results) {
        int width = Math.max("parameter".length(), results.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        String row = "%-" + width + "s  %10s  %8s  %16s  %s%n";
        out.printf("%-" + width + "s  %10s  %8s  %16s%n", "parameter", "elements", "checked", "worst rel. error");
        long failed = 0;
        for (GradCheck.Result r : results) {
            out.printf(row, r.name(), r.elements(), r.checks(), String.format("%.3e", r.worstRelativeError()), r.ok() ? "OK" : "FAIL");
            failed += r.ok() ? 0 : 1;
        }
        out.println(failed == 0 ? "all " + results.size() + " parameters within tolerance"
                : failed + " of " + results.size() + " parameters exceed the tolerance");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
