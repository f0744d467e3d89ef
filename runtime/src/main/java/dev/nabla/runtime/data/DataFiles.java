package dev.nabla.runtime.data;

import dev.nabla.runtime.NablaException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads a data file whole, gunzipping it when it starts with the gzip magic (whatever its name). */
final class DataFiles {

    private DataFiles() {
    }

    static byte[] readAll(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NablaException(file + ": data file not found");
        } catch (IOException e) {
            throw new NablaException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
            return gunzip(file, raw);
        }
        return raw;
    }

    private static byte[] gunzip(Path file, byte[] raw) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new NablaException(file + ": truncated gzip file (compressed data ends early)");
        } catch (ZipException e) {
            throw new NablaException(file + ": corrupt gzip file: " + e.getMessage());
        } catch (IOException e) {
            throw new NablaException(file + ": cannot decompress: " + e.getMessage(), e);
        }
    }
}
