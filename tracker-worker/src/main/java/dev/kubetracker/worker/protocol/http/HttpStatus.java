package dev.kubetracker.worker.protocol.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The HTTP statuses the client port answers with, each with its status line encoded once. */
enum HttpStatus {
    OK(200, "OK"),
    BAD_REQUEST(400, "Bad Request"),
    NOT_FOUND(404, "Not Found"),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
    URI_TOO_LONG(414, "URI Too Long"),
    REQUEST_HEADER_FIELDS_TOO_LARGE(431, "Request Header Fields Too Large"),
    INTERNAL_SERVER_ERROR(500, "Internal Server Error"),
    SERVICE_UNAVAILABLE(503, "Service Unavailable"),
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported");

    final int code;
    final String reason;
    private final byte[] statusLine;

    HttpStatus(int code, String reason) {
        this.code = code;
        this.reason = reason;
        this.statusLine = ("HTTP/1.1 " + code + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code HTTP/1.1 <code> <reason>\r\n}. */
    void writeStatusLine(ByteBuf out) {
        out.writeBytes(statusLine);
    }
}
