package dev.gpuconfig.decide;

/** A request the service cannot answer with a decision: carries the HTTP status and a problem title. */
public class DecideException extends RuntimeException {
    private final int status;
    private final String title;

    public DecideException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static DecideException badRequest(String detail) {
        return new DecideException(400, "Invalid request", detail);
    }

    /** A body that is not JSON, with the parser's own words on where and why. */
    public static DecideException malformedJson(String parserMessage) {
        return new DecideException(400, "Malformed JSON", "the body is not valid JSON: " + parserMessage);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
