package dev.gpuconfig.api;

/** An admin call refused: 403 when admin calls are off, 401 without the right token. */
class AdminException extends RuntimeException {
    private final int status;
    private final String title;

    AdminException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    Problem problem() {
        return Problem.of(status, title, getMessage());
    }
}
