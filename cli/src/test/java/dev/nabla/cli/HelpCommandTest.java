package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpCommandTest {

    @Test
    void everySubcommand_printsItsUsageForHelp_andExitsZero() {
        List<String> names = new ArrayList<>(new CommandLine(new Main()).getSubcommands().keySet());
        assertTrue(names.size() >= 9 && names.contains("check") && names.contains("ir"), names.toString());
        for (String name : names) {
            CliRun run = CliRun.of(name, "--help");
            assertEquals(0, run.exit(), name + " --help: " + run.err());
            assertTrue(run.out().contains("Usage: nabla " + name), name + " --help printed: " + run.out() + run.err());
            // a '%' in a description that is not written '%%' makes picocli print a warning and the raw text
            assertTrue(!run.err().contains("WARN"), name + " --help warned: " + run.err());
        }
    }
}
