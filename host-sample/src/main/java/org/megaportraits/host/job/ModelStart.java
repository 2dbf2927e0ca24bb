package org.megaportraits.host.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.megaportraits.host.concurrent.Failures;
import org.megaportraits.sdk.face.AlignedFaces;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.reenact.Avatar;
import org.megaportraits.sdk.reenact.ReenactmentModel;

/**
 * The model's side of a job's start-up, on a thread of its own: the session opens (weights load,
 * or the untrained preset's random weights are drawn) while the job's thread opens the face
 * networks and prepares the source; the avatar is then encoded there while the job's thread
 * already tracks the first driver frames. {@link #session()} and {@link #avatar()} wait for their
 * step and rethrow its failure as it was thrown.
 * <p>
 * {@link #close()} waits for a step still running (a session being opened cannot be interrupted)
 * and closes what was made, the avatar before the session.
 */
final class ModelStart implements AutoCloseable {

    /** A source's aligned crop and its matte, ready for encoding; closed once the avatar is made (or not). */
    record PreparedSource(AlignedFaces aligned, ImageBatch matte) implements AutoCloseable {
        @Override
        public void close() {
            try (AlignedFaces a = aligned) {
                matte.close();
            }
        }
    }

    private final int resolution;
    private final ExecutorService thread;
    private final CompletableFuture<ReenactmentModel.Session> session;
    private CompletableFuture<Avatar> avatar;

    /**
     * Starts opening the session; {@code open} runs on the start-up thread.
     *
     * @param resolution the model's resolution as its descriptor gives it (read before: a service
     *                   may answer nothing else while it loads weights for the session)
     */
    ModelStart(int resolution, Supplier<ReenactmentModel.Session> open) {
        this.resolution = resolution;
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reenact-model-start");
            t.setDaemon(true);
            return t;
        });
        session = CompletableFuture.supplyAsync(open, thread);
    }

    /**
     * Encodes the source on the start-up thread once the session is open, then closes the prepared
     * source (also when the session failed to open).
     */
    void encode(PreparedSource source, EncodeStep encode) {
        avatar = session.handleAsync((s, failure) -> {
            try (source) {
                if (failure != null) {
                    // join() unwraps it to the session's own failure
                    throw new CompletionException(failure);
                }
                return encode.encode(s, source);
            }
        }, thread);
    }

    /** Turns a prepared source into an avatar with an open session. */
    @FunctionalInterface
    interface EncodeStep {
        Avatar encode(ReenactmentModel.Session session, PreparedSource source);
    }

    /** The side of the crops the model takes and renders, known before its session is open. */
    int resolution() {
        return resolution;
    }

    /** The open session, waiting for it if need be. */
    ReenactmentModel.Session session() {
        return join(session);
    }

    /** The source's avatar, waiting for it if need be. */
    Avatar avatar() {
        if (avatar == null) {
            throw new IllegalStateException("no source was given to encode");
        }
        return join(avatar);
    }

    private static <T> T join(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (CompletionException e) {
            throw Failures.unwrapped(e);
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        try {
            if (avatar != null) {
                Avatar a = finished(avatar);
                if (a != null) {
                    a.close();
                }
            }
        } catch (RuntimeException e) {
            first = e;
        }
        try {
            ReenactmentModel.Session s = finished(session);
            if (s != null) {
                s.close();
            }
        } catch (RuntimeException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        thread.shutdown();
        if (first != null) {
            throw first;
        }
    }

    /** What a step made once it ended, or null if it failed (its failure was reported where it was joined). */
    private static <T> T finished(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return null;
        }
    }
}
