package org.megaportraits.host.osgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.megaportraits.sdk.ModelUnavailableException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands services to jobs and retires replaced bundles without breaking the jobs that use them.
 * <p>
 * Why this exists: after a bundle is updated or uninstalled, a package refresh makes Felix close
 * the old revision's jar. A job still running on that revision then fails as soon as it needs a
 * class (or resource) it had not loaded yet. So the host never updates a bundle in place: a new jar
 * is installed beside the old bundle, the old one is stopped (its services disappear, so new jobs
 * get the new version) and is uninstalled and refreshed only once no job holds a lease on it or on
 * any bundle wired to it. New leases wait while such a refresh is under way.
 */
public final class ServiceLeases {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceLeases.class);
    private static final Duration REFRESH_WAIT = Duration.ofMinutes(1);

    /** Highest ranking first, then the newest registration, so a freshly started version wins. */
    private static final Comparator<ServiceReference<?>> PREFERENCE = Comparator
            .comparingInt((ServiceReference<?> r) -> ranking(r)).reversed()
            .thenComparing(r -> -(Long) r.getProperty(Constants.SERVICE_ID));

    private final BundleContext context;
    private final FrameworkWiring wiring;
    private final Executor afterRefresh;
    private final Runnable refreshed;
    private final Map<Long, Integer> leasesPerBundle = new HashMap<>();
    private final Set<Bundle> retiring = new LinkedHashSet<>();
    private boolean refreshing;

    /**
     * @param context   the system bundle's context
     * @param afterRefresh where {@code refreshed} runs (not on the framework's refresh thread)
     * @param refreshed what to do after retired bundles were refreshed away (start what can start now)
     */
    ServiceLeases(BundleContext context, Executor afterRefresh, Runnable refreshed) {
        this.context = context;
        this.wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        this.afterRefresh = afterRefresh;
        this.refreshed = refreshed;
    }

    /**
     * Leases the preferred service of a type from a bundle that is not being retired; empty if no
     * bundle provides one (or every provider failed to activate it, which the log says).
     */
    public <S> Optional<ServiceLease<S>> acquire(Class<S> type) {
        List<ServiceReference<S>> candidates;
        synchronized (this) {
            awaitRefresh();
            try {
                candidates = new ArrayList<>(context.getServiceReferences(type, null));
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            candidates.sort(PREFERENCE);
        }
        for (ServiceReference<S> ref : candidates) {
            Bundle provider = reserve(ref);
            if (provider == null) {
                continue;
            }
            // outside the lock: getting a Declarative Services component may activate it (load weights)
            S service = context.getService(ref);
            if (service != null) {
                return Optional.of(new ServiceLease<>(this, ref, provider, service));
            }
            LOG.warn("{} of bundle {} {} could not be activated; see the errors above", type.getSimpleName(),
                    provider.getSymbolicName(), provider.getVersion());
            unreserve(provider);
        }
        return Optional.empty();
    }

    /**
     * Leases the preferred service of a type, or says why there is none: no bundle provides it, or
     * the bundles that do could not start it.
     *
     * @param what   what the service is, in words ("base model")
     * @param module the module whose bundle provides it ("plugin-base-model")
     * @param folder where bundles are installed from
     * @throws ModelUnavailableException if no service of the type can be leased
     */
    public <S> ServiceLease<S> require(Class<S> type, String what, String module, Path folder) {
        return acquire(type).orElseThrow(() -> unavailable(type, what, module, folder));
    }

    /**
     * The error for a service that cannot be leased: its bundle is missing (install it), or it is
     * installed but its service failed to start, which the log shows above with the reason (a
     * missing or damaged model folder, say) and which installing the bundle again would not fix.
     */
    public ModelUnavailableException unavailable(Class<?> type, String what, String module, Path folder) {
        if (isProvided(type)) {
            return new ModelUnavailableException("the " + what + " bundle is installed but could not start its "
                    + type.getSimpleName() + " (the error logged above says why)",
                    "fix what that error names (for a model: the model folder or its weight files) and run again");
        }
        return new ModelUnavailableException("no " + what + " bundle installed (no bundle provides "
                + type.getSimpleName() + ")", "put the " + module + " bundle jar into " + folder);
    }

    /** True if some bundle registers a service of the type now (without activating it). */
    public boolean isProvided(Class<?> type) {
        return context.getServiceReference(type) != null;
    }

    /** Counts a lease on the reference's bundle, unless it is gone or retiring; null then. */
    private synchronized Bundle reserve(ServiceReference<?> ref) {
        Bundle provider = ref.getBundle();
        if (provider == null || retiring.contains(provider)) {
            return null;
        }
        leasesPerBundle.merge(provider.getBundleId(), 1, Integer::sum);
        return provider;
    }

    private synchronized void unreserve(Bundle provider) {
        leasesPerBundle.computeIfPresent(provider.getBundleId(), (id, n) -> n == 1 ? null : n - 1);
        drainIfIdle();
    }

    void release(ServiceLease<?> lease) {
        context.ungetService(lease.reference());
        unreserve(lease.provider());
    }

    /**
     * Takes a bundle out of service now (stops it: its services go away, sessions already open keep
     * working) and uninstalls it once nothing leased depends on it.
     */
    void retire(Bundle bundle) {
        try {
            bundle.stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("stopping {} failed: {}", bundle.getSymbolicName(), e.getMessage());
        }
        synchronized (this) {
            retiring.add(bundle);
            drainIfIdle();
        }
    }

    /** Number of leases open on a bundle. */
    public synchronized int leasesOn(Bundle bundle) {
        return leasesPerBundle.getOrDefault(bundle.getBundleId(), 0);
    }

    /** Bundles stopped and waiting for their last lease to close before they are uninstalled. */
    public synchronized List<Bundle> retiring() {
        return List.copyOf(retiring);
    }

    private void drainIfIdle() {
        if (refreshing || retiring.isEmpty()) {
            return;
        }
        Collection<Bundle> closure = wiring.getDependencyClosure(retiring);
        for (Bundle b : closure) {
            if (leasesPerBundle.getOrDefault(b.getBundleId(), 0) > 0) {
                return;
            }
        }
        List<Bundle> batch = List.copyOf(retiring);
        retiring.clear();
        refreshing = true;
        for (Bundle b : batch) {
            try {
                if (b.getState() != Bundle.UNINSTALLED) {
                    LOG.info("uninstalling {} {} (no job uses it any more)", b.getSymbolicName(), b.getVersion());
                    b.uninstall();
                }
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("uninstalling {} failed: {}", b.getSymbolicName(), e.getMessage());
            }
        }
        wiring.refreshBundles(batch, event -> refreshDone());
    }

    private void refreshDone() {
        synchronized (this) {
            refreshing = false;
            notifyAll();
            drainIfIdle();
        }
        afterRefresh.execute(refreshed);
    }

    private void awaitRefresh() {
        long deadline = System.nanoTime() + REFRESH_WAIT.toNanos();
        while (refreshing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("bundle refresh did not finish within " + REFRESH_WAIT.toSeconds() + " s");
            }
            try {
                wait(left / 1_000_000 + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a bundle refresh", e);
            }
        }
    }

    private static int ranking(ServiceReference<?> r) {
        return r.getProperty(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }
}
