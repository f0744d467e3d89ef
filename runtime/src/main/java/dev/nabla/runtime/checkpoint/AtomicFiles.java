package dev.nabla.runtime.checkpoint;

import dev.nabla.runtime.NablaException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that readers (and a crash) see either the old or the new content, never a torn one:
 * write a temporary file in the same directory, force it to disk, rename it over the target. The temporary file is
 * created as any new file is, so the target gets the permissions the umask gives (not 0600); one left behind by a
 * process killed while saving is removed by the next save of the same file.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    public static void write(Path file, byte[] content) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            removeStaleTemporaries(dir, target.getFileName().toString());
            temp = dir.resolve(tempPrefix(target.getFileName().toString()) + Long.toUnsignedString(RANDOM.nextLong(), 36)
                    + TEMP_SUFFIX);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            move(temp, target);
            syncDirectory(dir);
        } catch (IOException e) {
            throw new NablaException(file + ": cannot save: " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static final String TEMP_SUFFIX = ".tmp";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final long PID = ProcessHandle.current().pid();
    /** Temporaries without a writer's pid (an older format) are stale when older than this process, or a minute. */
    private static final java.time.Instant STARTED = ProcessHandle.current().info().startInstant()
            .orElse(java.time.Instant.now().minusSeconds(60));

    /** {@code .NAME.PID-}: the writing process is in the name, so a stale temporary is one whose writer is dead. */
    private static String tempPrefix(String name) {
        return "." + name + "." + PID + "-";
    }

    /**
     * Deletes the {@code .NAME.PID-*.tmp} files of {@code dir} whose process is no longer alive: what a killed save
     * left. Their age cannot tell, since a long-lived process (an application that embeds the runtime) starts
     * long before the crash of another that it then cleans up after.
     */
    private static void removeStaleTemporaries(Path dir, String name) {
        String prefix = "." + name + ".";
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(TEMP_SUFFIX))
                    .filter(p -> stale(p, p.getFileName().toString().substring(prefix.length())))
                    .forEach(AtomicFiles::deleteQuietly);
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort: a stale temporary file is hidden and only costs space
        }
    }

    private static boolean stale(Path temp, String rest) {
        int dash = rest.indexOf('-');
        if (dash > 0) {
            try {
                long pid = Long.parseLong(rest.substring(0, dash));
                // this process's own temporaries exist only while it writes them (they are deleted in a finally)
                return pid != PID && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
            } catch (NumberFormatException e) {
                // not written by this version: judged by age below
            }
        }
        try {
            return Files.getLastModifiedTime(temp).toInstant().isBefore(STARTED);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks, before a long run, that {@code file} can later be written: not a directory, and in a directory that
     * exists (or can be created) and is writable. {@code what} names it in the message ("the checkpoint").
     *
     * @throws NablaException saying why not
     */
    public static void checkWritable(Path file, String what) {
        Path target = file.toAbsolutePath();
        String why = null;
        if (Files.isDirectory(target)) {
            why = "it is a directory";
        } else if (Files.exists(target) && !Files.isWritable(target)) {
            why = "it is not writable";
        } else {
            Path dir = target.getParent();
            while (dir != null && !Files.exists(dir)) {
                dir = dir.getParent();
            }
            if (dir == null || !Files.isDirectory(dir)) {
                why = (dir == null ? "its directory" : dir) + " is not a directory";
            } else if (!Files.isWritable(dir)) {
                why = "cannot create files in " + dir;
            }
        }
        if (why != null) {
            throw new NablaException("cannot write " + what + " " + file + ": " + why);
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is harmless. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort only
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the temporary file is hidden and harmless
        }
    }
}
