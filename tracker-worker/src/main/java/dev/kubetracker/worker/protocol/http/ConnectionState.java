package dev.kubetracker.worker.protocol.http;

/**
 * Where an {@link HttpConnection} is between its requests and their replies. Requests are served in
 * order, so while a reply is still coming the requests behind it wait; closing ends every state. The
 * transitions are here and nowhere else; one that the connection should never make throws.
 */
enum ConnectionState {
    /** Requests are served as they arrive. */
    SERVING,
    /** The reply comes later from another task on the event loop (stats, the turn after a stream). */
    AWAITING_REPLY,
    /** A reply of unknown length is being streamed. */
    STREAMING,
    /** The connection is closing: nothing more is read or written. */
    CLOSING;

    /** The current request's reply will come from another task. */
    ConnectionState replyDeferred() {
        return from(SERVING, AWAITING_REPLY);
    }

    /** The current request's reply is a stream. */
    ConnectionState streamBegun() {
        return from(SERVING, STREAMING);
    }

    /** The stream is written; the next request is served from a new task, as for a deferred reply. */
    ConnectionState streamEnded() {
        return from(STREAMING, AWAITING_REPLY);
    }

    /** The deferred reply is written: the requests that waited may be served. */
    ConnectionState replyWritten() {
        return from(AWAITING_REPLY, SERVING);
    }

    private ConnectionState from(ConnectionState expected, ConnectionState next) {
        if (this == CLOSING) {
            return CLOSING; // a reply finishing after the connection closed
        }
        if (this != expected) {
            throw new IllegalStateException("connection " + this + ", expected " + expected);
        }
        return next;
    }
}
