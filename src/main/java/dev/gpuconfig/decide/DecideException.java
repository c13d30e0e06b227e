package dev.gpuconfig.decide;

/**
 * Why the service answers a request without a decision, in the domain's terms: the request is
 * invalid, nothing of the policy can serve the model, no rule set is active yet, the service is
 * busy, or the policy itself failed. Only the API layer turns a {@link Kind} into an HTTP status,
 * so the flows below it stay free of transport concerns.
 */
public class DecideException extends RuntimeException {
    /** The kinds of refusal a client can act on differently. */
    public enum Kind {
        /** What the client sent is wrong; the detail names the field. */
        INVALID,
        /** The request is well formed, but no configuration of the policy can serve that model. */
        UNSERVABLE,
        /** No valid rule set is active yet. */
        NOT_READY,
        /** The service is at its bound for this kind of work; asking again later may succeed. */
        BUSY,
        /** The active policy failed on this request (a rule threw or kept firing). */
        POLICY_FAILED
    }

    private final Kind kind;
    private final String title;

    protected DecideException(Kind kind, String title, String detail) {
        super(detail);
        this.kind = kind;
        this.title = title;
    }

    public static DecideException invalid(String detail) {
        return new DecideException(Kind.INVALID, "Invalid request", detail);
    }

    /** A body that is not JSON, with the parser's own words on where and why. */
    public static DecideException malformedJson(String parserMessage) {
        return new DecideException(Kind.INVALID, "Malformed JSON", "the body is not valid JSON: " + parserMessage);
    }

    public static DecideException unservable(String title, String detail) {
        return new DecideException(Kind.UNSERVABLE, title, detail);
    }

    public static DecideException notReady(String title, String detail) {
        return new DecideException(Kind.NOT_READY, title, detail);
    }

    public static DecideException busy(String title, String detail) {
        return new DecideException(Kind.BUSY, title, detail);
    }

    public Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }
}
