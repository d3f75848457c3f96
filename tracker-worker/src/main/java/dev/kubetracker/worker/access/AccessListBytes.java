package dev.kubetracker.worker.access;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads one access-list file, gunzipping it when it starts with gzip's magic bytes (whatever its name:
 * a ConfigMap's {@code binaryData} key need not end in {@code .gz}). What a file may expand to is
 * bounded, so that a gzip bomb is an error and not an out-of-memory worker.
 */
final class AccessListBytes {
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private AccessListBytes() {
    }

    /** The file's list text, at most {@code limit} bytes of it; an IOException past the limit or on a corrupt gzip. */
    static byte[] read(Path file, long limit) throws IOException {
        long size = Files.size(file);
        if (size > limit) {
            throw tooLarge(file, limit);
        }
        byte[] raw = Files.readAllBytes(file);
        if (raw.length > limit) {
            throw tooLarge(file, limit);
        }
        if (!isGzip(raw)) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return readBounded(in, file, limit);
        }
    }

    static boolean isGzip(byte[] content) {
        return content.length >= 2 && (content[0] & 0xFF) == GZIP_MAGIC_1 && (content[1] & 0xFF) == GZIP_MAGIC_2;
    }

    private static byte[] readBounded(InputStream in, Path file, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int length = 0;
        for (int n; (n = in.read(buffer, length, buffer.length - length)) >= 0; ) {
            length += n;
            if (length > limit) {
                throw tooLarge(file, limit);
            }
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(limit + 1, buffer.length * 2L));
            }
        }
        return Arrays.copyOf(buffer, length);
    }

    private static IOException tooLarge(Path file, long limit) {
        return new IOException(file + " holds (or decompresses to) more than the access list's limit of " + limit
                + " bytes in all; raise tracker.access-list.max-bytes if the list is really that large");
    }
}
