package org.megaportraits.sdk;

/**
 * Base of every error the SDK raises on purpose. The message says what went wrong; {@link #remedy()}
 * says what the user can do about it.
 */
@Api(Api.Status.STABLE)
public class PortraitsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String remedy;

    /** An error with what went wrong and what to do. */
    public PortraitsException(String problem, String remedy) {
        this(problem, remedy, null);
    }

    /** An error with what went wrong, what to do, and its cause. */
    public PortraitsException(String problem, String remedy, Throwable cause) {
        super(remedy == null || remedy.isEmpty() ? problem : problem + " (" + remedy + ")", cause);
        this.remedy = remedy == null ? "" : remedy;
    }

    /** What the user can do about it; empty if nothing. */
    public String remedy() {
        return remedy;
    }
}
