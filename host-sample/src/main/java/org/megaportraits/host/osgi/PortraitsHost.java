package org.megaportraits.host.osgi;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.felix.framework.FrameworkFactory;
import org.megaportraits.sdk.InvalidInputException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Felix framework with the PyTorch engine, the host's libraries exported to bundles,
 * and the watched bundle folder. Start it, lease services through {@link #leases()}, close it.
 */
public final class PortraitsHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortraitsHost.class);

    /** The engine the host initialises and bundles name (system.md: never discovered from a bundle). */
    public static final String ENGINE = "PyTorch";

    private final Framework framework;
    private final BundleFolder folder;
    private final Path storage;

    private PortraitsHost(Framework framework, BundleFolder folder, Path storage) {
        this.framework = framework;
        this.folder = folder;
        this.storage = storage;
    }

    /**
     * Initialises the engine, starts Felix, installs and starts every bundle of the folder and
     * watches it.
     *
     * @param bundles    the bundle folder
     * @param pollPeriod how often the folder is looked at for dropped, replaced or removed jars
     * @throws InvalidInputException if the folder does not exist
     */
    public static PortraitsHost start(Path bundles, Duration pollPeriod) {
        if (!Files.isDirectory(bundles)) {
            throw new InvalidInputException("bundle folder " + bundles + " does not exist",
                    "pass --bundles with the folder holding the plugin jars (target/bundles after the build)");
        }
        long t0 = System.nanoTime();
        initialiseEngine();
        long t1 = System.nanoTime();
        Path storage;
        try {
            storage = Files.createTempDirectory("portraits-felix-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the framework's bundle cache", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.property());
        // a replaced jar is installed beside its old bundle until the old one's jobs end (ServiceLeases)
        config.put(Constants.FRAMEWORK_BSNVERSION, Constants.FRAMEWORK_BSNVERSION_MULTIPLE);
        // keep a used service component alive between jobs instead of reloading its weights every time
        config.put("ds.delayed.keepInstances", "true");
        config.put("felix.log.level", "1");
        Framework framework = new FrameworkFactory().newFramework(config);
        BundleFolder folder;
        try {
            framework.init();
            framework.start();
            folder = new BundleFolder(bundles.toAbsolutePath().normalize(), framework.getBundleContext());
            folder.start(pollPeriod.toMillis());
        } catch (BundleException | RuntimeException e) {
            stopQuietly(framework);
            deleteTree(storage);
            throw e instanceof RuntimeException r ? r : new IllegalStateException("the OSGi framework did not start", e);
        }
        long t2 = System.nanoTime();
        LOG.info("host started in {} ms: engine {} ms, framework and {} bundles {} ms", (t2 - t0) / 1_000_000,
                (t1 - t0) / 1_000_000, framework.getBundleContext().getBundles().length, (t2 - t1) / 1_000_000);
        return new PortraitsHost(framework, folder, storage);
    }

    /**
     * DJL finds its engine once per JVM through the thread's context class loader: if the first
     * call came from a bundle, "no engine" would stick. So the host asks first, from its own loader.
     */
    private static void initialiseEngine() {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
        // cuDNN benchmark mode (timing every algorithm at each new shape) is left off unless asked for
        // (-Dai.djl.pytorch.cudnn_benchmark=true; DJL reads it only at engine start). Measured on an H100:
        // it gives the warm base model +28 % frames/s at batch 1, but the searches at the many shapes of a
        // job (face networks, avatar encode, each batch size) cost more than they save: a 48-frame
        // reenact job took 35.9 s with it and 15.4 s without (benchmarks/RESULTS.md)
        System.setProperty("ai.djl.pytorch.cudnn_benchmark", System.getProperty("ai.djl.pytorch.cudnn_benchmark", "false"));
        Engine engine = Engine.getEngine(ENGINE);
        LOG.info("engine {} {} ready, {} GPU(s)", engine.getEngineName(), engine.getVersion(), engine.getGpuCount());
    }

    /** The watched bundle folder. */
    public BundleFolder bundleFolder() {
        return folder;
    }

    /** Service leases for jobs. */
    public ServiceLeases leases() {
        return folder.leases();
    }

    /** Every installed bundle, the framework first. */
    public List<Bundle> bundles() {
        return List.of(framework.getBundleContext().getBundles());
    }

    /** Stops the framework and deletes its bundle cache. */
    @Override
    public void close() {
        folder.close();
        stopQuietly(framework);
        deleteTree(storage);
    }

    private static void stopQuietly(Framework framework) {
        try {
            framework.stop();
            FrameworkEvent e = framework.waitForStop(30_000);
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warn("the framework did not stop within 30 s");
            }
        } catch (BundleException e) {
            LOG.warn("stopping the framework failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the bundle cache {}: {}", root, e.getMessage());
        }
    }
}
