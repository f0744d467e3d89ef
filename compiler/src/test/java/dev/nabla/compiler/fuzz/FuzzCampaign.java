package dev.nabla.compiler.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A seeded fuzzing campaign, in process: input {@code i} is a function of the seed and {@code i} alone (every fifth a
 * model calling the language's functions in turn, {@link ModelGenerator}, the rest mutated samples, {@link Mutators}),
 * so a campaign's outcomes do not depend on its threads, and one failing input is reproduced by its number. Each input
 * runs under a watchdog: one still running after the timeout counts as a hang, and its thread is abandoned.
 *
 * <p>{@code bench/fuzz [--inputs N] [--seed S] [--threads T] [--timeout SECONDS] [--failures DIR]} runs one and prints
 * the count of each outcome; with {@code --failures}, every failing input is written there as a file.
 */
public final class FuzzCampaign {

    /** The campaign's totals. */
    record Report(int inputs, Map<Outcome.Kind, Long> counts, List<String> failures, double seconds,
                  Set<String> functionsRun) {

        long failed() {
            return counts.entrySet().stream().filter(e -> e.getKey().failure()).mapToLong(Map.Entry::getValue).sum();
        }

        String summary() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d inputs in %.1f s%n", inputs, seconds));
            counts.forEach((k, n) -> s.append(String.format(Locale.ROOT, "  %-18s %d%n",
                    k.name().toLowerCase(Locale.ROOT).replace('_', ' '), n)));
            s.append(String.format(Locale.ROOT, "functions of the language compiled and run by a generated model: %d of %d%n",
                    functionsRun.size(), ModelGenerator.CALLABLES.size()));
            List<String> notRun = ModelGenerator.CALLABLES.stream().map(f -> f.name()).filter(n -> !functionsRun.contains(n))
                    .toList();
            if (!notRun.isEmpty()) {
                s.append("  not run: ").append(String.join(", ", notRun)).append('\n');
            }
            return s.toString();
        }
    }

    private final List<String> samples;
    private final long seed;
    private final long timeoutMillis;
    private final Path failureDir;
    private final Map<Outcome.Kind, Long> counts = Collections.synchronizedMap(new EnumMap<>(Outcome.Kind.class));
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> functionsRun = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    private final long started = System.nanoTime();
    /** Print the counts every this many inputs (0: never). */
    int progress;

    FuzzCampaign(List<String> samples, long seed, long timeoutMillis, Path failureDir) {
        this.samples = samples;
        this.seed = seed;
        this.timeoutMillis = timeoutMillis;
        this.failureDir = failureDir;
        for (Outcome.Kind k : Outcome.Kind.values()) {
            counts.put(k, 0L);
        }
    }

    /** The samples the mutants start from: every {@code .nabla} file of {@code dir}. */
    static List<String> samples(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".nabla")).sorted().toList()) {
                out.add(Files.readString(p));
            }
            return out;
        }
    }

    /** Input number {@code i} of the campaign seeded {@code seed}. */
    static String input(List<String> samples, long seed, int i) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + i);
        if (i % 5 == 0) {
            String generated = ModelGenerator.generate(i / 5, r);
            return r.nextInt(3) == 0 ? Mutators.mutate(generated, r) : generated;
        }
        return Mutators.mutate(samples.get(r.nextInt(samples.size())), r);
    }

    /** Runs inputs {@code 0..count-1} on {@code threads} threads. */
    Report run(int count, int threads) throws InterruptedException {
        long start = System.nanoTime();
        List<Thread> lanes = new ArrayList<>();
        for (int lane = 0; lane < threads; lane++) {
            int first = lane;
            Thread t = new Thread(() -> lane(first, threads, count), "fuzz-lane-" + lane);
            t.start();
            lanes.add(t);
        }
        for (Thread t : lanes) {
            t.join();
        }
        return new Report(count, new EnumMap<>(counts), List.copyOf(failures), (System.nanoTime() - start) / 1e9,
                new TreeSet<>(functionsRun));
    }

    /** Inputs {@code first, first + step, ...}, each on a worker thread this lane replaces when one hangs. */
    private void lane(int first, int step, int count) {
        ExecutorService worker = newWorker();
        try {
            for (int i = first; i < count; i += step) {
                String source = input(samples, seed, i);
                boolean vector = i % 2 == 0;
                long inputSeed = seed + i;
                Future<Outcome> f = worker.submit(() -> FuzzRunner.run(source, vector, inputSeed));
                Outcome o;
                try {
                    o = f.get(timeoutMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker();
                    o = new Outcome(Outcome.Kind.HANG, "still running after " + timeoutMillis + " ms");
                } catch (ExecutionException e) {
                    o = Outcome.ofThrowable(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                record(i, source, o);
                if (progress > 0 && done.incrementAndGet() % progress == 0) {
                    System.out.printf(Locale.ROOT, "%d inputs, %.0f s: %s%n", done.get(), (System.nanoTime() - started) / 1e9,
                            counts);
                }
            }
        } finally {
            worker.shutdownNow();
        }
    }

    private void record(int i, String source, Outcome o) {
        counts.merge(o.kind(), 1L, Long::sum);
        if (i % 5 == 0 && o.kind() == Outcome.Kind.OK) {
            functionsRun.add(ModelGenerator.CALLABLES.get(Math.floorMod(i / 5, ModelGenerator.CALLABLES.size())).name());
        }
        if (!o.kind().failure()) {
            return;
        }
        failures.add("input " + i + ": " + o.kind() + ": " + o.detail());
        if (failureDir != null) {
            try {
                Files.createDirectories(failureDir);
                Files.writeString(failureDir.resolve(String.format(Locale.ROOT, "%s-%d.nabla",
                        o.kind().name().toLowerCase(Locale.ROOT), i)), source, StandardCharsets.UTF_8);
            } catch (IOException e) {
                failures.add("input " + i + ": could not be written to " + failureDir + ": " + e);
            }
        }
    }

    /** Workers are daemons with a deep stack: the compiler recurses over expressions, as javac does. */
    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz-worker", 64L << 20);
            t.setDaemon(true);
            return t;
        });
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int inputs = 100_000;
        long seed = 1;
        int threads = Runtime.getRuntime().availableProcessors();
        long timeout = 30;
        Path failureDir = null;
        Path sampleDir = Path.of("samples");
        if (args.length > 0 && args[0].equals("--replay")) {
            for (int k = 1; k < args.length; k++) {
                long t0 = System.nanoTime();
                Outcome o = FuzzRunner.run(Files.readString(Path.of(args[k]), StandardCharsets.UTF_8), true, seed);
                System.out.printf(Locale.ROOT, "%s: %s in %.0f ms %s%n", args[k], o.kind(), (System.nanoTime() - t0) / 1e6,
                        o.detail());
            }
            return;
        }
        for (int k = 0; k + 1 < args.length; k += 2) {
            switch (args[k]) {
                case "--inputs" -> inputs = Integer.parseInt(args[k + 1]);
                case "--seed" -> seed = Long.parseLong(args[k + 1]);
                case "--threads" -> threads = Integer.parseInt(args[k + 1]);
                case "--timeout" -> timeout = Long.parseLong(args[k + 1]);
                case "--failures" -> failureDir = Path.of(args[k + 1]);
                case "--samples" -> sampleDir = Path.of(args[k + 1]);
                case "--print" -> {
                    int i = Integer.parseInt(args[k + 1]);
                    String source = input(samples(sampleDir), seed, i);
                    System.out.println(source);
                    System.out.println("// " + FuzzRunner.run(source, i % 2 == 0, seed + i));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[k]);
            }
        }
        System.out.printf(Locale.ROOT, "fuzzing %d inputs, seed %d, %d threads, timeout %d s%n", inputs, seed, threads, timeout);
        FuzzCampaign campaign = new FuzzCampaign(samples(sampleDir), seed, timeout * 1000, failureDir);
        campaign.progress = 10_000;
        Report report = campaign.run(inputs, threads);
        report.failures().forEach(System.out::println);
        System.out.print(report.summary());
        System.exit(report.failed() == 0 ? 0 : 1);
    }
}
