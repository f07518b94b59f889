package dev.mmrag.examples.web;

/**
 * A request the server refuses or cannot serve: an HTTP status and a message for the person who sent it. The
 * message is shown in the page as it is, so it names the problem and what was expected, and never holds a stack
 * trace, a file path of the server or an uploaded file's bytes.
 *
 * <p>Thread-safety: immutable.
 */
final class WebError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status (4xx or 5xx)
     * @param message what went wrong, for the user
     */
    WebError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** @return the HTTP status */
    int status() {
        return status;
    }
}
