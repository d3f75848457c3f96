package dev.kubetracker.worker.protocol.http;

/** HTTP status codes the tracker answers with. */
final class HttpResult {
    static final int OK = 200;
    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int INTERNAL_ERROR = 500;

    private HttpResult() {
    }
}
