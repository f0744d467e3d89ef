package dev.nabla.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nabla} command: one subcommand per task, each in its own class. */
@Command(name = "nabla", mixinStandardHelpOptions = true, version = "nabla 0.1.0",
        description = "Compiles deep-learning models written in the Nabla language to JVM bytecode, trains and runs them.",
        subcommands = {CheckCommand.class, IrCommand.class, SummaryCommand.class, GradcheckCommand.class, CompileCommand.class,
                TrainCommand.class, LrFindCommand.class, CompareCommand.class, EvalCommand.class, PredictCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        // A bad flag is a user error like any other: exit 1 (picocli's default is 2).
        cli.getCommandSpec().exitCodeOnInvalidInput(1);
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(1));
        // --help and --version on every subcommand, including those that forget to ask for them: without them
        // `nabla check --help` reported a missing FILE instead of printing the usage.
        cli.getSubcommands().values().stream().map(CommandLine::getCommandSpec)
                .filter(sub -> sub.optionsMap().get("--help") == null).forEach(sub -> sub.mixinStandardHelpOptions(true));
        return cli.execute(args);
    }
}
