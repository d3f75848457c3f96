package dev.kubetracker.worker.protocol.http;

import static dev.kubetracker.worker.protocol.http.ConnectionState.AWAITING_REPLY;
import static dev.kubetracker.worker.protocol.http.ConnectionState.CLOSING;
import static dev.kubetracker.worker.protocol.http.ConnectionState.SERVING;
import static dev.kubetracker.worker.protocol.http.ConnectionState.STREAMING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConnectionStateTest {
    @Test
    void aDeferredReplyHoldsTheNextRequestsUntilItIsWritten() {
        ConnectionState waiting = SERVING.replyDeferred();
        assertEquals(AWAITING_REPLY, waiting);
        assertEquals(SERVING, waiting.replyWritten());
    }

    @Test
    void aFinishedStreamStillHoldsTheNextRequestsUntilTheirOwnTurn() {
        ConnectionState streaming = SERVING.streamBegun();
        assertEquals(STREAMING, streaming);
        ConnectionState ended = streaming.streamEnded();
        assertEquals(AWAITING_REPLY, ended, "served from a new task, never nested in the stream's");
        assertEquals(SERVING, ended.replyWritten());
    }

    @Test
    void closingEndsEveryStateAndRepliesFinishingLaterLeaveItClosing() {
        assertEquals(CLOSING, CLOSING.replyDeferred());
        assertEquals(CLOSING, CLOSING.streamBegun());
        assertEquals(CLOSING, CLOSING.streamEnded());
        assertEquals(CLOSING, CLOSING.replyWritten());
    }

    @Test
    void aReplyCannotBeginWhileAnotherIsInProgress() {
        assertThrows(IllegalStateException.class, AWAITING_REPLY::replyDeferred);
        assertThrows(IllegalStateException.class, AWAITING_REPLY::streamBegun);
        assertThrows(IllegalStateException.class, STREAMING::replyDeferred);
        assertThrows(IllegalStateException.class, STREAMING::streamBegun);
    }

    @Test
    void onlyTheReplyInProgressCanEnd() {
        assertThrows(IllegalStateException.class, SERVING::replyWritten);
        assertThrows(IllegalStateException.class, SERVING::streamEnded);
        assertThrows(IllegalStateException.class, STREAMING::replyWritten, "a stream ends with streamEnded");
        assertThrows(IllegalStateException.class, AWAITING_REPLY::streamEnded);
    }
}

