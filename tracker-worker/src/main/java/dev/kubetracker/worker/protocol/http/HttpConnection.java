package dev.kubetracker.worker.protocol.http;

import dev.kubetracker.worker.protocol.bencode.BencodeWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * One client connection on the HTTP port, the only handler in its pipeline: it finds each request head
 * in the received bytes, hands it to the event loop's {@link HttpRequestRouter}, which answers through
 * this connection's {@link HttpResponder} side, and writes the reply head and body in one buffer.
 * Keep-alive and pipelining follow HTTP/1.1 (HTTP/1.0 closes unless asked not to); requests behind an
 * asynchronous reply (stats, a streamed full scrape) wait their turn ({@link ConnectionState}).
 * A request with a body is answered and the connection closed: trackers never read bodies.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements HttpResponder {
    private static final Logger LOG = Logger.getLogger(HttpConnection.class);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONTENT_TYPE = ascii("Content-Type: ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] GZIP = ascii("Content-Encoding: gzip\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    /** The body of the 500 for a request that failed inside the tracker (shared, read-only). */
    private static final ByteBuf INTERNAL_ERROR_BODY = failureBody("internal error");

    private final HttpRequestRouter router;
    private final HttpRequestHead head;
    private final IdleConnections idle;
    private ChannelHandlerContext ctx;
    /** Received bytes not yet served: a partial request, or requests waiting behind an asynchronous reply. */
    private ByteBuf pending;
    /** How many of the bytes of {@link #pending} (from its reader index) hold no end of a request head. */
    private int scanned;
    private ConnectionState state = ConnectionState.SERVING;
    /** The reply being streamed, while {@link ConnectionState#STREAMING}. */
    private FullScrapeStream stream;
    /** Inside channelRead: replies are flushed once, at channelReadComplete. */
    private boolean insideRead;
    /** The client has sent its FIN: answer what it asked for, then close. */
    private boolean inputShut;
    /** The current request is HTTP/1.0: keep-alive must be said, and a stream is delimited by closing. */
    private boolean http10;
    /** The connection stays open after the current request's reply. */
    private boolean keepAlive;

    // Links and clock of IdleConnections (owned by this connection's event loop).
    HttpConnection older;
    HttpConnection newer;
    boolean linked;
    long lastActiveNanos;

    HttpConnection(HttpRequestRouter router, HttpRequestHead head, IdleConnections idle) {
        this.router = router;
        this.head = head;
        this.idle = idle;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idle.touch(this, System.nanoTime());
        router.onConnection();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        if (state == ConnectionState.CLOSING) {
            data.release();
            return;
        }
        insideRead = true;
        pending = pending == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, data);
        if (state == ConnectionState.SERVING) {
            serveBuffered();
        } else if (pending != null && pending.readableBytes() > maxBuffered()) {
            router.onRefused(HttpRequestHead.Result.HEAD_TOO_LARGE);
            ctx.close(); // a client that floods requests behind a long reply without reading it
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        insideRead = false;
        ctx.flush();
        if (!ctx.channel().isWritable() && state != ConnectionState.CLOSING) {
            ctx.channel().config().setAutoRead(false); // replies back up: stop reading until they drain
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
            if (state == ConnectionState.STREAMING) {
                stream.pump();
            } else if (state == ConnectionState.SERVING) {
                resumeServing();
            }
        }
    }

    /**
     * The client shut its sending side (a script's {@code shutdown(SHUT_WR)} after its request): its
     * requests are still answered, asynchronous ones included, then the connection closes.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputShut = true;
            closeIfInputShut();
        }
    }

    /** Closes a half-closed connection once nothing it asked for is left (a partial head never completes). */
    private void closeIfInputShut() {
        if (inputShut && state == ConnectionState.SERVING && ctx.channel().isWritable()) {
            keepAlive = false;
            sendAndClose(Unpooled.EMPTY_BUFFER);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = ConnectionState.CLOSING;
        idle.remove(this);
        releasePending();
        if (stream != null) {
            FullScrapeStream s = stream;
            stream = null;
            s.abort();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debugf("HTTP connection from %s: %s", ctx.channel().remoteAddress(), cause.getMessage());
        } else {
            LOG.warnf(cause, "HTTP connection from %s failed", ctx.channel().remoteAddress());
        }
        ctx.close();
    }

    private int maxBuffered() {
        return head.target().length + HttpRequestHead.MAX_HEADER_BYTES + 4096;
    }

    /**
     * Serves the complete requests buffered, in order, until one needs an asynchronous reply or the
     * replies back up (a client that pipelines without reading gets no more answers than the socket
     * takes); what is left waits in {@link #pending}, compacted so it never grows past one request.
     */
    private void serveBuffered() {
        while (pending != null && state == ConnectionState.SERVING) {
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false); // resumed by channelWritabilityChanged
                break;
            }
            if (!mayHoldCompleteHead()) {
                break;
            }
            HttpRequestHead.Result result = head.parse(pending);
            if (result == HttpRequestHead.Result.INCOMPLETE) {
                scanned = pending.readableBytes(); // that blank line was a stray one before the request line
                break;
            }
            if (result != HttpRequestHead.Result.COMPLETE) {
                keepAlive = false;
                http10 = false;
                router.refuse(result, this);
                return;
            }
            pending.skipBytes(head.length());
            scanned = 0;
            idle.touch(this, System.nanoTime());
            http10 = head.isHttp10();
            keepAlive = head.keepAlive() && !head.hasBody();
            router.serve(head, this);
            if (pending != null && !pending.isReadable()) {
                releasePending();
            }
        }
        if (pending != null) {
            pending.discardSomeReadBytes(); // never keep the bytes of requests already served
        }
    }

    /**
     * Whether the buffered bytes may hold a whole request head: its blank line has arrived, or there
     * are more bytes than any head may have (the parser then says which limit they broke). Only bytes
     * not scanned before are looked at, so a head arriving a byte at a time costs linear time.
     */
    private boolean mayHoldCompleteHead() {
        int end = pending.writerIndex();
        if (pending.readableBytes() > head.target().length + HttpRequestHead.MAX_HEADER_BYTES + 4) {
            return true;
        }
        int start = pending.readerIndex();
        for (int i = start + Math.max(1, scanned - 2); i < end; i++) {
            if (pending.getByte(i) == '\n') {
                byte before = pending.getByte(i - 1);
                if (before == '\n' || before == '\r' && i - 2 >= start && pending.getByte(i - 2) == '\n') {
                    return true;
                }
            }
        }
        scanned = pending.readableBytes();
        return false;
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        scanned = 0;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void closeAfterReply() {
        keepAlive = false;
    }

    @Override
    public void respond(HttpStatus status, String contentType, ByteBuf body, String extraHeader) {
        if (state == ConnectionState.CLOSING) {
            return;
        }
        ByteBuf out = ctx.alloc().ioBuffer(192 + body.readableBytes());
        writeStatusAndType(out, status, contentType);
        out.writeBytes(CONTENT_LENGTH);
        BencodeWriter.decimal(out, body.readableBytes());
        out.writeBytes(CRLF);
        writeConnectionHeader(out);
        if (extraHeader != null) {
            out.writeCharSequence(extraHeader, StandardCharsets.ISO_8859_1);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        out.writeBytes(body, body.readerIndex(), body.readableBytes());
        if (keepAlive) {
            send(out);
        } else {
            sendAndClose(out);
        }
    }

    private void writeStatusAndType(ByteBuf out, HttpStatus status, String contentType) {
        status.writeStatusLine(out);
        out.writeBytes(CONTENT_TYPE);
        out.writeCharSequence(contentType, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    private void writeConnectionHeader(ByteBuf out) {
        if (!keepAlive) {
            out.writeBytes(CONNECTION_CLOSE);
        } else if (http10) {
            out.writeBytes(CONNECTION_KEEP_ALIVE);
        }
    }

    private void send(ByteBuf out) {
        if (insideRead) {
            ctx.write(out, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(out, ctx.voidPromise());
        }
    }

    /** Writes the last bytes of the connection and closes it once they are out. */
    private void sendAndClose(ByteBuf last) {
        state = ConnectionState.CLOSING;
        releasePending();
        idle.remove(this);
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void beginAsync() {
        state = state.replyDeferred();
    }

    @Override
    public void endAsync() {
        state = state.replyWritten();
        if (state == ConnectionState.SERVING) {
            idle.touch(this, System.nanoTime());
            resumeServing();
        }
    }

    /** Serves what waited (behind an asynchronous reply, or for the socket to drain), outside a read. */
    private void resumeServing() {
        serveBuffered();
        closeIfInputShut();
        ctx.flush();
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isActive();
    }

    @Override
    public void beginStream(FullScrapeStream stream, String contentType, boolean gzip) {
        this.stream = stream;
        state = state.streamBegun();
        if (!chunked()) {
            keepAlive = false;
        }
        ByteBuf out = ctx.alloc().ioBuffer(192);
        writeStatusAndType(out, HttpStatus.OK, contentType);
        if (gzip) {
            out.writeBytes(GZIP);
        }
        if (chunked()) {
            out.writeBytes(CHUNKED);
        }
        writeConnectionHeader(out);
        out.writeBytes(CRLF);
        ctx.write(out, ctx.voidPromise());
    }

    @Override
    public boolean streamWritable() {
        return state == ConnectionState.STREAMING && ctx.channel().isWritable();
    }

    @Override
    public void writeChunk(ByteBuf data) {
        if (state == ConnectionState.CLOSING) {
            data.release();
            return;
        }
        idle.touch(this, System.nanoTime()); // a client that reads the stream is not idle
        if (chunked()) {
            ByteBuf size = ctx.alloc().ioBuffer(12);
            size.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
            size.writeBytes(CRLF);
            ctx.write(size, ctx.voidPromise());
            ctx.write(data, ctx.voidPromise());
            ctx.writeAndFlush(ctx.alloc().ioBuffer(2).writeBytes(CRLF), ctx.voidPromise());
        } else {
            ctx.writeAndFlush(data, ctx.voidPromise());
        }
    }

    @Override
    public void endStream() {
        stream = null;
        state = state.streamEnded();
        if (state == ConnectionState.CLOSING) {
            return;
        }
        ByteBuf last = chunked() ? ctx.alloc().ioBuffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK) : Unpooled.EMPTY_BUFFER;
        if (!keepAlive) {
            sendAndClose(last);
            return;
        }
        ctx.writeAndFlush(last, ctx.voidPromise());
        // The next pipelined request is served from a new task: a client that pipelines full scrapes
        // must not make them nest on the stack or keep the event loop to itself.
        ctx.channel().eventLoop().execute(this::endAsync);
    }

    @Override
    public void failRequest() {
        if (state != ConnectionState.SERVING) {
            state = ConnectionState.CLOSING;
            ctx.close();
            return;
        }
        keepAlive = false;
        respond(HttpStatus.INTERNAL_SERVER_ERROR, TEXT_PLAIN, INTERNAL_ERROR_BODY, null);
    }

    /** Called by {@link IdleConnections}: nothing was asked for too long. */
    void closeIdle() {
        state = ConnectionState.CLOSING;
        ctx.close();
    }

    /** A streamed reply is chunked, except for HTTP/1.0, which has no chunks. */
    private boolean chunked() {
        return !http10;
    }

    private static ByteBuf failureBody(String message) {
        ByteBuf body = Unpooled.buffer();
        BencodeWriter.failure(body, message);
        return Unpooled.unreleasableBuffer(body.asReadOnly());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
