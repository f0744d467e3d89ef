package dev.nabla.cli;

import picocli.CommandLine;

/**
 * Turns exceptions escaping a command into exit codes. User mistakes print one line; anything else is
 * a bug in Nabla and says so (with the stack trace, which is then useful to us).
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof UserError || e instanceof dev.nabla.runtime.NablaException) {
            cmd.getErr().println("nabla: error: " + e.getMessage());
            return 1;
        }
        cmd.getErr().println("nabla: internal error (please report): " + e);
        e.printStackTrace(cmd.getErr());
        return 70;
    }
}
