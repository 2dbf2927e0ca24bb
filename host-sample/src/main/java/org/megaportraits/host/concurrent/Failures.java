package org.megaportraits.host.concurrent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What another thread's failure was, as it was thrown there. */
public final class Failures {

    private Failures() {
    }

    /**
     * The failure inside a chain of {@link ExecutionException}s and {@link CompletionException}s
     * (a thread stopped by another's failure wraps that failure again): a runtime exception as it
     * was thrown, an error rethrown at once, a checked exception wrapped in an
     * {@link IllegalStateException}.
     */
    public static RuntimeException unwrapped(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }
}
