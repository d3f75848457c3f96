package dev.kubetracker.worker.protocol.http;

import io.netty.buffer.ByteBuf;

/**
 * The head of one HTTP/1.x request, parsed in place from a connection's buffered bytes: the method,
 * the request target (copied into a reused array, where the query parser reads it), the version and
 * the few headers a tracker reads. Every other header is checked for syntax and skipped. One instance
 * per event loop, reused request after request; nothing is allocated unless a request carries
 * X-Forwarded-For or Accept-Encoding, which are kept as text.
 */
final class HttpRequestHead {
    enum Result {
        /** More bytes are needed. */
        INCOMPLETE,
        COMPLETE,
        /** The request line is longer than allowed (414). */
        LINE_TOO_LONG,
        /** The header lines are larger than allowed (431). */
        HEAD_TOO_LARGE,
        /** Not HTTP/1.x syntax (400). */
        MALFORMED,
        /** An HTTP version other than 1.x (505). */
        UNSUPPORTED_VERSION
    }

    /** Bytes of header lines allowed after the request line. */
    static final int MAX_HEADER_BYTES = 8192;
    /** Blank lines tolerated before a request line (RFC 9112 2.2: a client may send a stray CRLF). */
    private static final int MAX_LEADING_BLANK_LINES = 4;

    private final int maxLineLength;
    private final byte[] target;
    private int targetLength;
    /** Where the path starts in the target: 0, or past {@code scheme://authority} of an absolute-form target. */
    private int pathStart;
    /** Where the path ends: the first {@code ?} or {@code #} after it, or the target's end. */
    private int pathEnd;
    private int headLength;
    private boolean get;
    private boolean http10;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean hasBody;
    private final StringBuilder forwardedFor = new StringBuilder();
    private final StringBuilder acceptEncoding = new StringBuilder();
    private boolean hasForwardedFor;
    private boolean hasAcceptEncoding;

    HttpRequestHead(int maxLineLength) {
        this.maxLineLength = maxLineLength;
        this.target = new byte[maxLineLength];
    }

    /**
     * Parses the request starting at {@code in}'s reader index, without moving it. On
     * {@link Result#COMPLETE}, {@link #length()} tells how many bytes the head took.
     */
    Result parse(ByteBuf in) {
        reset();
        int start = in.readerIndex();
        int end = in.writerIndex();
        int at = start;
        for (int blank = 0; blank <= MAX_LEADING_BLANK_LINES && at < end; blank++) {
            if (in.getByte(at) == '\n') {
                at++;
            } else if (in.getByte(at) == '\r' && at + 1 < end && in.getByte(at + 1) == '\n') {
                at += 2;
            } else {
                break;
            }
        }
        int lineEnd = in.indexOf(at, Math.min(end, at + maxLineLength + 2), (byte) '\n');
        if (lineEnd < 0) {
            return end - at > maxLineLength + 1 ? Result.LINE_TOO_LONG : Result.INCOMPLETE;
        }
        int contentEnd = lineEnd > at && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        if (contentEnd - at > maxLineLength) {
            return Result.LINE_TOO_LONG;
        }
        Result line = parseRequestLine(in, at, contentEnd);
        if (line != Result.COMPLETE) {
            return line;
        }
        int headersStart = lineEnd + 1;
        at = headersStart;
        while (true) {
            int limit = Math.min(end, headersStart + MAX_HEADER_BYTES);
            // (ByteBuf.indexOf searches backwards when from > to: never let it)
            lineEnd = at < limit ? in.indexOf(at, limit, (byte) '\n') : -1;
            if (lineEnd < 0) {
                return end - headersStart >= MAX_HEADER_BYTES ? Result.HEAD_TOO_LARGE : Result.INCOMPLETE;
            }
            contentEnd = lineEnd > at && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == at) {
                headLength = lineEnd + 1 - start;
                return Result.COMPLETE;
            }
            if (!parseHeader(in, at, contentEnd)) {
                return Result.MALFORMED;
            }
            at = lineEnd + 1;
        }
    }

    private void reset() {
        targetLength = 0;
        pathStart = 0;
        pathEnd = 0;
        headLength = 0;
        get = false;
        http10 = false;
        connectionClose = false;
        connectionKeepAlive = false;
        hasBody = false;
        hasForwardedFor = false;
        hasAcceptEncoding = false;
        forwardedFor.setLength(0);
        acceptEncoding.setLength(0);
    }

    /** {@code METHOD SP request-target SP HTTP/1.x}. */
    private Result parseRequestLine(ByteBuf in, int from, int to) {
        int methodEnd = in.indexOf(from, to, (byte) ' ');
        if (methodEnd <= from) {
            return Result.MALFORMED;
        }
        for (int i = from; i < methodEnd; i++) {
            if (!isTokenChar(in.getByte(i))) {
                return Result.MALFORMED;
            }
        }
        get = methodEnd - from == 3 && in.getByte(from) == 'G' && in.getByte(from + 1) == 'E'
                && in.getByte(from + 2) == 'T';
        int targetStart = methodEnd + 1;
        int targetEnd = in.indexOf(targetStart, to, (byte) ' ');
        if (targetEnd <= targetStart) {
            return Result.MALFORMED; // no target, or HTTP/0.9 (no version)
        }
        for (int i = targetStart; i < targetEnd; i++) {
            byte b = in.getByte(i);
            if (b < 0x21 && b >= 0 || b == 0x7F) {
                return Result.MALFORMED; // control characters are never part of a URI
            }
        }
        targetLength = targetEnd - targetStart;
        in.getBytes(targetStart, target, 0, targetLength);
        pathStart = absoluteFormPathStart();
        pathEnd = findPathEnd();
        return parseVersion(in, targetEnd + 1, to);
    }

    private Result parseVersion(ByteBuf in, int from, int to) {
        if (to - from != 8 || !matches(in, from, "HTTP/")) {
            return Result.MALFORMED;
        }
        int major = in.getByte(from + 5) - '0';
        int minor = in.getByte(from + 7) - '0';
        if (major < 0 || major > 9 || in.getByte(from + 6) != '.' || minor < 0 || minor > 9) {
            return Result.MALFORMED;
        }
        if (major != 1) {
            return Result.UNSUPPORTED_VERSION;
        }
        http10 = minor == 0;
        return Result.COMPLETE;
    }

    /** {@code name ":" OWS value OWS}; false for a line that is not a header (or an obsolete folded one). */
    private boolean parseHeader(ByteBuf in, int from, int to) {
        int colon = in.indexOf(from, to, (byte) ':');
        if (colon <= from) {
            return false;
        }
        for (int i = from; i < colon; i++) {
            if (!isTokenChar(in.getByte(i))) {
                return false; // includes a leading space (line folding) and space before the colon
            }
        }
        int valueStart = colon + 1;
        while (valueStart < to && isSpace(in.getByte(valueStart))) {
            valueStart++;
        }
        int valueEnd = to;
        while (valueEnd > valueStart && isSpace(in.getByte(valueEnd - 1))) {
            valueEnd--;
        }
        int nameLength = colon - from;
        if (nameLength == 10 && nameIs(in, from, "connection")) {
            readConnection(in, valueStart, valueEnd);
        } else if (nameLength == 15 && nameIs(in, from, "x-forwarded-for")) {
            hasForwardedFor = true;
            append(forwardedFor, in, valueStart, valueEnd);
        } else if (nameLength == 15 && nameIs(in, from, "accept-encoding")) {
            hasAcceptEncoding = true;
            append(acceptEncoding, in, valueStart, valueEnd);
        } else if (nameLength == 14 && nameIs(in, from, "content-length")) {
            if (valueStart == valueEnd) {
                return false;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                byte b = in.getByte(i);
                if (b < '0' || b > '9') {
                    return false;
                }
                hasBody |= b != '0';
            }
        } else if (nameLength == 17 && nameIs(in, from, "transfer-encoding")) {
            hasBody = true;
        }
        return true;
    }

    /** Joins repeated header lines with commas, as RFC 9110 5.3 allows. */
    private static void append(StringBuilder to, ByteBuf in, int from, int end) {
        if (!to.isEmpty()) {
            to.append(',');
        }
        for (int i = from; i < end; i++) {
            to.append((char) (in.getByte(i) & 0xFF));
        }
    }

    private void readConnection(ByteBuf in, int from, int to) {
        int tokenStart = from;
        for (int i = from; i <= to; i++) {
            if (i == to || in.getByte(i) == ',') {
                int s = tokenStart;
                int e = i;
                while (s < e && isSpace(in.getByte(s))) {
                    s++;
                }
                while (e > s && isSpace(in.getByte(e - 1))) {
                    e--;
                }
                if (e - s == 5 && nameIs(in, s, "close")) {
                    connectionClose = true;
                } else if (e - s == 10 && nameIs(in, s, "keep-alive")) {
                    connectionKeepAlive = true;
                }
                tokenStart = i + 1;
            }
        }
    }

    /** Case-insensitive match of {@code lowerCaseName} at {@code from}. */
    private static boolean nameIs(ByteBuf in, int from, String lowerCaseName) {
        for (int i = 0; i < lowerCaseName.length(); i++) {
            int b = in.getByte(from + i);
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(ByteBuf in, int from, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (in.getByte(from + i) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(byte b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
            return true;
        }
        return b > 0x20 && b < 0x7F && "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    /** Bytes the head took, blank lines before it included. */
    int length() {
        return headLength;
    }

    boolean isGet() {
        return get;
    }

    boolean isHttp10() {
        return http10;
    }

    /** Whether the client wants the connection kept open after the reply. */
    boolean keepAlive() {
        return http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
    }

    /** Whether a body follows the head (Content-Length above zero, or any Transfer-Encoding). */
    boolean hasBody() {
        return hasBody;
    }

    /** The request target's bytes, {@code [0, targetLength())}. */
    byte[] target() {
        return target;
    }

    int targetLength() {
        return targetLength;
    }

    /**
     * A proxy may send the absolute form ({@code GET http://tracker:6969/announce?...}): its path starts
     * after the authority (RFC 9112 3.2.2).
     */
    private int absoluteFormPathStart() {
        int schemeEnd = startsWithIgnoreCase("http://") ? 7 : startsWithIgnoreCase("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return 0;
        }
        for (int i = schemeEnd; i < targetLength; i++) {
            if (target[i] == '/' || target[i] == '?' || target[i] == '#') {
                return i;
            }
        }
        return targetLength;
    }

    private boolean startsWithIgnoreCase(String prefix) {
        if (targetLength < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            int b = target[i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int findPathEnd() {
        for (int i = pathStart; i < targetLength; i++) {
            if (target[i] == '?' || target[i] == '#') {
                return i;
            }
        }
        return targetLength;
    }

    /** Whether the path ends with {@code suffix} (so {@code /prefix/announce} works). */
    boolean pathEndsWith(String suffix) {
        int from = pathEnd - suffix.length();
        if (from < pathStart) {
            return false;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (target[from + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the path is exactly {@code path}. */
    boolean pathIs(String path) {
        return pathEnd - pathStart == path.length() && pathEndsWith(path);
    }

    /** Every X-Forwarded-For line, joined by commas in the order received; null without any. */
    String forwardedFor() {
        return hasForwardedFor ? forwardedFor.toString() : null;
    }

    /** Every Accept-Encoding line, joined; null without any. */
    String acceptEncoding() {
        return hasAcceptEncoding ? acceptEncoding.toString() : null;
    }

    /** The target as text, for logs. */
    String targetText() {
        return new String(target, 0, targetLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
