package dev.kubetracker.worker.protocol.bencode;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes bencode (BEP 3) straight into a Netty buffer. Keys of a dictionary must be written in sorted
 * order by the caller; the helpers here only frame values.
 */
public final class BencodeWriter {
    private BencodeWriter() {
    }

    public static void dictStart(ByteBuf out) {
        out.writeByte('d');
    }

    public static void listStart(ByteBuf out) {
        out.writeByte('l');
    }

    public static void end(ByteBuf out) {
        out.writeByte('e');
    }

    public static void integer(ByteBuf out, long value) {
        out.writeByte('i');
        decimal(out, value);
        out.writeByte('e');
    }

    /** A byte string of ASCII text (keys, messages). */
    public static void string(ByteBuf out, String ascii) {
        decimal(out, ascii.length());
        out.writeByte(':');
        out.writeCharSequence(ascii, StandardCharsets.ISO_8859_1);
    }

    /** A UTF-8 string (its length prefix is the byte length). */
    public static void utf8(ByteBuf out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        bytes(out, bytes, 0, bytes.length);
    }

    public static void bytes(ByteBuf out, byte[] bytes, int offset, int length) {
        stringHeader(out, length);
        out.writeBytes(bytes, offset, length);
    }

    /** The {@code length:} prefix of a byte string whose bytes the caller writes next. */
    public static void stringHeader(ByteBuf out, int length) {
        decimal(out, length);
        out.writeByte(':');
    }

    public static void keyInt(ByteBuf out, String key, long value) {
        string(out, key);
        integer(out, value);
    }

    public static void decimal(ByteBuf out, long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                out.writeCharSequence(Long.toString(value), StandardCharsets.ISO_8859_1);
                return;
            }
            out.writeByte('-');
            value = -value;
        }
        if (value < 10) {
            out.writeByte((int) ('0' + value));
            return;
        }
        long divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        while (divisor > 0) {
            out.writeByte((int) ('0' + (value / divisor) % 10));
            divisor /= 10;
        }
    }

    /** A whole bencoded {@code {"failure reason": message}} reply. */
    public static void failure(ByteBuf out, String message) {
        dictStart(out);
        string(out, "failure reason");
        utf8(out, message);
        end(out);
    }
}
