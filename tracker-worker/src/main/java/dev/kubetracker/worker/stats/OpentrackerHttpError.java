package dev.kubetracker.worker.stats;

import dev.kubetracker.worker.stats.RequestCounters.ErrorReason;
import dev.kubetracker.worker.stats.RequestCounters.Protocol;
import java.util.EnumSet;
import java.util.Set;

/**
 * opentracker's nine HTTP error codes, in its order, with the label of its {@code herr} mode (two codes
 * have none there) and the HTTP error reasons of ours that each counts. Refusals answered with status
 * 200 and a {@code failure reason} (tracker full, rate limited, not authorized) are not HTTP errors,
 * as in opentracker; {@code mode=refusals} counts them.
 */
enum OpentrackerHttpError {
    REDIRECT("302 Redirect", "302 RED"),
    PARSE_ERROR("400 Parse Error", "400 ...", ErrorReason.REQUEST_TOO_LONG),
    INVALID_PARAMETER("400 Invalid Parameter", "400 PAR", ErrorReason.MALFORMED_REQUEST, ErrorReason.BAD_INFO_HASH,
            ErrorReason.BAD_PORT, ErrorReason.BAD_EVENT, ErrorReason.TOO_MANY_HASHES),
    COMPACT("400 Invalid Parameter (compact=0)", "400 COM"),
    NOT_MODEST("400 Not Modest", null),
    PAYMENT_REQUIRED("402 Payment Required", null),
    ACCESS_DENIED("403 Access Denied", "403 IP "),
    NOT_FOUND("404 Not found", "404 INV", ErrorReason.NOT_FOUND),
    INTERNAL("500 Internal Server Error", "500 SRV", ErrorReason.INTERNAL, ErrorReason.BUSY);

    /** The {@code code} attribute in {@code everything}. */
    final String code;
    /** The line's label in {@code herr}; null when opentracker leaves the code out there. */
    final String herrLabel;
    private final Set<ErrorReason> reasons;

    OpentrackerHttpError(String code, String herrLabel, ErrorReason... reasons) {
        this.code = code;
        this.herrLabel = herrLabel;
        this.reasons = reasons.length == 0 ? EnumSet.noneOf(ErrorReason.class) : EnumSet.of(reasons[0], reasons);
    }

    long count(RequestCounters counters) {
        long n = 0;
        for (ErrorReason reason : reasons) {
            n += counters.errors(Protocol.HTTP, reason);
        }
        return n;
    }

    boolean counts(ErrorReason reason) {
        return reasons.contains(reason);
    }
}
