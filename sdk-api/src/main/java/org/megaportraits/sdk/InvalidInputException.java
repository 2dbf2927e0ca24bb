package org.megaportraits.sdk;

/** Bad input from the user: a corrupt or missing file, a wrong option, an image of the wrong shape. */
@Api(Api.Status.STABLE)
public class InvalidInputException extends PortraitsException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the input and what to do. */
    public InvalidInputException(String problem, String remedy) {
        super(problem, remedy);
    }

    /** What is wrong with the input, what to do, and its cause. */
    public InvalidInputException(String problem, String remedy, Throwable cause) {
        super(problem, remedy, cause);
    }
}
