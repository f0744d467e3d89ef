package dev.nabla.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "gradcheck", description = "(not built yet)")
final class GradcheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("nabla gradcheck: not built yet");
        return 2;
    }
}
