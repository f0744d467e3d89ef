package dev.nabla.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "predict", description = "(not built yet)")
final class PredictCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("nabla predict: not built yet");
        return 2;
    }
}
