package dev.kubetracker.worker.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpStatusTest {
    /** The status lines the client port has always sent, byte for byte. */
    private static final Map<HttpStatus, String> WIRE_LINES = new EnumMap<>(Map.of(
            HttpStatus.OK, "HTTP/1.1 200 OK\r\n",
            HttpStatus.BAD_REQUEST, "HTTP/1.1 400 Bad Request\r\n",
            HttpStatus.NOT_FOUND, "HTTP/1.1 404 Not Found\r\n",
            HttpStatus.METHOD_NOT_ALLOWED, "HTTP/1.1 405 Method Not Allowed\r\n",
            HttpStatus.URI_TOO_LONG, "HTTP/1.1 414 URI Too Long\r\n",
            HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "HTTP/1.1 431 Request Header Fields Too Large\r\n",
            HttpStatus.INTERNAL_SERVER_ERROR, "HTTP/1.1 500 Internal Server Error\r\n",
            HttpStatus.SERVICE_UNAVAILABLE, "HTTP/1.1 503 Service Unavailable\r\n",
            HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/1.1 505 HTTP Version Not Supported\r\n"));

    private static String statusLine(HttpStatus status) {
        ByteBuf out = Unpooled.buffer();
        status.writeStatusLine(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void everyStatusWritesItsCodeAndReasonAsAnHttp11StatusLine() {
        for (HttpStatus status : HttpStatus.values()) {
            assertEquals("HTTP/1.1 " + status.code + " " + status.reason + "\r\n", statusLine(status));
        }
    }

    @Test
    void everyStatusLineIsTheOneTheClientPortHasAlwaysSent() {
        assertEquals(WIRE_LINES.keySet(), EnumSet.allOf(HttpStatus.class), "a status without its expected line");
        for (HttpStatus status : HttpStatus.values()) {
            assertEquals(WIRE_LINES.get(status), statusLine(status), status.name());
        }
    }
}
