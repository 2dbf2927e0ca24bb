package org.megaportraits.training.data;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.megaportraits.sdk.PortraitsException;

/** The result of work done on a background thread, with its failure rethrown as it was thrown. */
public final class BackgroundResult {

    private BackgroundResult() {
    }

    /**
     * Waits for {@code f}. A PortraitsException or other unchecked exception of the work is rethrown
     * as it was, an interruption of the work as an InterruptedException, anything else wrapped.
     *
     * @param what what the work was, for the wrapped failure's message ("loading training data")
     */
    public static <T> T await(Future<T> f, String what) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof PortraitsException p) {
                throw p;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof InterruptedException i) {
                throw i;
            }
            throw new IllegalStateException(what + " failed: " + cause, cause);
        }
    }
}
