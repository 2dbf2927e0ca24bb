package org.megaportraits.host.osgi;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * A service held by one job from start to end. While any lease on a bundle is open, the host keeps
 * that bundle (and every bundle wired to it) installed, even after its jar was replaced or removed,
 * so the job's sessions keep a working class loader. Close it when the job ends.
 */
public final class ServiceLease<S> implements AutoCloseable {

    private final ServiceLeases leases;
    private final ServiceReference<S> reference;
    private final Bundle provider;
    private final S service;
    private boolean closed;

    ServiceLease(ServiceLeases leases, ServiceReference<S> reference, Bundle provider, S service) {
        this.leases = leases;
        this.reference = reference;
        this.provider = provider;
        this.service = service;
    }

    /** The service object. */
    public S service() {
        return service;
    }

    /** The bundle that registered the service (kept after the service is unregistered). */
    public Bundle provider() {
        return provider;
    }

    ServiceReference<S> reference() {
        return reference;
    }

    /** Releases the service; a replaced provider may now be uninstalled. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            leases.release(this);
        }
    }
}
