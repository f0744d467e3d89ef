package dev.nabla.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * ONNX's own checker ({@code onnx.checker.check_model} with {@code full_check}, which adds shape inference) on
 * exported files, in one Python process: Debian's python3-onnx, which .ci/run installs. Without it the test fails,
 * saying what to install; it never skips.
 */
final class OnnxChecker {

    private OnnxChecker() {
    }

    static void check(List<Path> models) throws IOException, InterruptedException {
        String script = "import sys, onnx\n"
                + "for path in sys.argv[1:]:\n"
                + "    m = onnx.load(path)\n"
                + "    onnx.checker.check_model(m, full_check=True)\n"
                + "    assert m.opset_import[0].version == " + OnnxExport.OPSET + " and m.ir_version == " + OnnxExport.IR_VERSION + "\n"
                + "    print('ok', path)\n";
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        models.forEach(p -> command.add(p.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("OPENBLAS_CORETYPE"); // numpy, which onnx imports, refuses some values of these
        pb.environment().remove("OPENBLAS_L2_SIZE");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail("ONNX's checker needs /usr/bin/python3 and python3-onnx (apt-get install python3-onnx): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the checker timed out");
        assertEquals(0, p.exitValue(), "onnx.checker failed (is python3-onnx installed?):\n" + out);
        assertEquals(models.size(), out.lines().filter(l -> l.startsWith("ok ")).count(), out);
    }
}
