package dev.nabla.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "check", description = "(not built yet)")
final class CheckCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("nabla check: not built yet");
        return 2;
    }
}
