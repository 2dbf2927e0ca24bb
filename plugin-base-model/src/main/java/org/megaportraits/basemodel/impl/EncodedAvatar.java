package org.megaportraits.basemodel.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.megaportraits.nn.warp.RigidPose;
import org.megaportraits.sdk.face.HeadPose;
import org.megaportraits.sdk.reenact.Avatar;

/** A source encoded once: G3D's volume, e_s and z_s on the session's device, and its pose. */
final class EncodedAvatar implements Avatar {

    private final BaseSession session;
    private final NDManager manager;
    private final NDArray volume;
    private final NDArray descriptor;
    private final NDArray expression;
    private final HeadPose pose;
    private volatile boolean closed;

    EncodedAvatar(BaseSession session, NDManager manager, NDArray volume, NDArray descriptor, NDArray expression,
            HeadPose pose) {
        this.session = session;
        this.manager = manager;
        this.volume = volume;
        this.descriptor = descriptor;
        this.expression = expression;
        this.pose = pose;
    }

    BaseSession session() {
        return session;
    }

    NDArray volume() {
        return volume;
    }

    NDArray descriptor() {
        return descriptor;
    }

    NDArray expression() {
        return expression;
    }

    RigidPose rigidPose() {
        return RigidPose.of(pose);
    }

    boolean isClosed() {
        return closed || session.isClosed();
    }

    @Override
    public HeadPose sourcePose() {
        return pose;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
