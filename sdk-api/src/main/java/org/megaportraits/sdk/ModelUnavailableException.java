package org.megaportraits.sdk;

/** A model, bundle or weight file needed for a job is not installed, or its weights are missing or damaged. */
@Api(Api.Status.STABLE)
public class ModelUnavailableException extends PortraitsException {

    private static final long serialVersionUID = 1L;

    /** What is missing and how to supply it. */
    public ModelUnavailableException(String problem, String remedy) {
        super(problem, remedy);
    }

    /** What is missing, how to supply it, and the cause. */
    public ModelUnavailableException(String problem, String remedy, Throwable cause) {
        super(problem, remedy, cause);
    }
}
