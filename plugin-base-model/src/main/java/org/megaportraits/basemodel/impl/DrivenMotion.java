package org.megaportraits.basemodel.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.reenact.Motion;

/** Motion of driver frames: their head poses and expression codes z (N, zDim) on the device. */
final class DrivenMotion implements Motion {

    private final BaseSession session;
    private final NDManager manager;
    private final NDArray expression;
    private final List<HeadPose> poses;
    private volatile boolean closed;

    DrivenMotion(BaseSession session, NDManager manager, NDArray expression, List<HeadPose> poses) {
        this.session = session;
        this.manager = manager;
        this.expression = expression;
        this.poses = List.copyOf(poses);
    }

    BaseSession session() {
        return session;
    }

    NDArray expression() {
        return expression;
    }

    boolean isClosed() {
        return closed || session.isClosed();
    }

    @Override
    public int size() {
        return poses.size();
    }

    @Override
    public List<HeadPose> poses() {
        return poses;
    }

    @Override
    public Motion frame(int i) {
        if (i < 0 || i >= poses.size()) {
            throw new InvalidInputException("frame " + i + " of a motion of " + poses.size() + " frames",
                    "use a frame index from 0 to " + (poses.size() - 1));
        }
        if (isClosed()) {
            throw new IllegalStateException("motion is closed");
        }
        NDManager own = session.newObjectManager();
        NDArray z;
        try (NDArray view = expression.get(i + ":" + (i + 1))) {
            z = view.duplicate();
        }
        z.attach(own);
        return new DrivenMotion(session, own, z, List.of(poses.get(i)));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
