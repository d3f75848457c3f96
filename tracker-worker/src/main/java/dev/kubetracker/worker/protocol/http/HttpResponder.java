package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.protocol.bencode.BencodeWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * What the router and its handlers may do with the connection a request came on: answer it at once,
 * later (from another task on the connection's event loop) or as a stream. The connection implements
 * it; nothing behind the router knows the connection itself.
 */
interface HttpResponder {
    String TEXT_PLAIN = "text/plain";

    InetSocketAddress remoteAddress();

    /** The reply to the current request ends the connection, whatever the client asked. */
    void closeAfterReply();

    /**
     * Writes a complete reply: status line, headers, {@code body} (read, not released). With
     * {@code extraHeader} (a whole line without CRLF, e.g. {@code Allow: GET}) or null.
     */
    void respond(HttpStatus status, String contentType, ByteBuf body, String extraHeader);

    /** Replies with a bencoded failure reason, encoded in {@code scratch} (cleared first). */
    default void respondFailure(HttpStatus status, String message, String extraHeader, ByteBuf scratch) {
        scratch.clear();
        BencodeWriter.failure(scratch, message);
        respond(status, TEXT_PLAIN, scratch, extraHeader);
    }

    /** The current request failed inside the tracker: a 500 if no reply has begun, else the connection ends. */
    void failRequest();

    /** The reply will come later, from another task on {@link #eventLoop()} that calls {@link #endAsync}. */
    void beginAsync();

    /** The asynchronous reply is written: serve what the client sent meanwhile. */
    void endAsync();

    /** Whether the connection is still open (readable from any thread). */
    boolean isOpen();

    EventLoop eventLoop();

    /**
     * Starts a streamed reply of unknown length (chunked for HTTP/1.1, delimited by closing the
     * connection for HTTP/1.0); the connection calls {@link FullScrapeStream#pump()} when it drains.
     */
    void beginStream(FullScrapeStream stream, String contentType, boolean gzip);

    /** Whether the stream may write now (open, and the socket takes more). */
    boolean streamWritable();

    /** Sends {@code data} (taking ownership) as the next part of the streamed reply. */
    void writeChunk(ByteBuf data);

    /** Ends the streamed reply; the connection goes on to the next request unless it must close. */
    void endStream();
}
