package dev.nabla.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The compiler's version, as Maven built it (recorded in every compiled model's manifest). */
public final class Version {

    public static final String VERSION = read();

    private Version() {
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String v = p.getProperty("version", "unknown");
        return v.startsWith("${") ? "unknown" : v;
    }
}
