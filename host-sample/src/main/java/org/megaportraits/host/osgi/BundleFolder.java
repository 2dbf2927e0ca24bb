package org.megaportraits.host.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleRevision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watched bundle folder: every {@code *.jar} in it is installed and started; a jar dropped in,
 * replaced or removed while the host runs takes effect at the next poll. A replaced jar is
 * installed as a new bundle beside the old one and started before the old one is retired through
 * {@link ServiceLeases} (see there why never in place). A jar is taken only once it held still for
 * one poll, so a copy still being written is not read half-way.
 */
public final class BundleFolder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BundleFolder.class);

    /**
     * A file as it was at one look. Size and time stamp alone miss a jar replaced by one of the same
     * size whose time stamp was kept (bnd and reproducible builds stamp jars with fixed times, cp -p
     * keeps them), so the file's identity (inode) and, where the platform has it, its change time
     * (which no tool can set back) count too.
     */
    private record Seen(long size, long modified, Object fileKey, long changed) {
    }

    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    /** A jar taken into the framework: the bundle made from it, and the file as it was then. */
    private record Taken(Bundle bundle, Seen seen, String sha256) {
    }

    /** A jar whose new bundle was installed beside the old one. */
    private record Replacement(Path jar, Taken old) {
    }

    private final Path folder;
    private final BundleContext context;
    private final ServiceLeases leases;
    private final ScheduledExecutorService watcher;
    private final Map<Path, Taken> taken = new HashMap<>();
    private final Map<Path, Seen> settling = new HashMap<>();
    private final Map<Path, Seen> rejected = new HashMap<>();
    private final Map<Long, String> problems = new HashMap<>();
    private long installs;

    BundleFolder(Path folder, BundleContext context) {
        this.folder = folder;
        this.context = context;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bundle-folder");
            t.setDaemon(true);
            return t;
        });
        this.leases = new ServiceLeases(context, task -> {
            try {
                watcher.execute(task);
            } catch (RejectedExecutionException closing) {
                // the host is shutting down: nothing left to start
            }
        }, this::startAll);
    }

    /** The folder watched. */
    public Path folder() {
        return folder;
    }

    /** Leases on the services of the bundles taken from this folder. */
    public ServiceLeases leases() {
        return leases;
    }

    /** Takes every jar now present (without waiting for it to settle), then polls at the given interval. */
    void start(long pollMillis) {
        scan(true);
        watcher.scheduleWithFixedDelay(() -> {
            try {
                scan(false);
            } catch (RuntimeException e) {
                LOG.error("scanning {} failed", folder, e);
            }
        }, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /** Why a bundle from this folder is not active, if it failed to start. */
    public synchronized Map<Long, String> problems() {
        return Map.copyOf(problems);
    }

    /** The bundle currently made from each jar of the folder. */
    public synchronized Map<Path, Bundle> bundles() {
        Map<Path, Bundle> out = new LinkedHashMap<>();
        taken.forEach((p, t) -> out.put(p, t.bundle()));
        return out;
    }

    synchronized void scan(boolean initial) {
        List<Path> jars = listJars();
        List<Path> arrived = new ArrayList<>();
        for (Path jar : jars) {
            Seen now = look(jar);
            if (now == null) {
                continue;
            }
            Taken before = taken.get(jar);
            if ((before != null && before.seen().equals(now)) || now.equals(rejected.get(jar))) {
                settling.remove(jar);
                continue;
            }
            if (initial || now.equals(settling.get(jar))) {
                settling.remove(jar);
                arrived.add(jar);
            } else {
                settling.put(jar, now);
            }
        }
        boolean installed = false;
        List<Replacement> replacements = new ArrayList<>();
        for (Path jar : arrived) {
            installed |= take(jar, replacements);
        }
        for (Path gone : List.copyOf(taken.keySet())) {
            if (!jars.contains(gone)) {
                Taken t = taken.remove(gone);
                LOG.info("{} was removed: retiring {} {}", gone.getFileName(), t.bundle().getSymbolicName(), t.bundle().getVersion());
                problems.remove(t.bundle().getBundleId());
                leases.retire(t.bundle());
            }
        }
        settling.keySet().retainAll(jars);
        rejected.keySet().retainAll(jars);
        if (installed) {
            startAll();
        }
        // the old version goes only after the new one started, so there is no moment without a service
        for (Replacement r : replacements) {
            Bundle fresh = taken.get(r.jar()).bundle();
            if (fresh.getState() == Bundle.ACTIVE || isFragment(fresh)) {
                leases.retire(r.old().bundle());
            } else {
                LOG.error("the new {} from {} did not start ({}); keeping version {} running", fresh.getSymbolicName(),
                        r.jar().getFileName(), problems.get(fresh.getBundleId()), r.old().bundle().getVersion());
                problems.remove(fresh.getBundleId());
                uninstallQuietly(fresh);
                taken.put(r.jar(), new Taken(r.old().bundle(), taken.get(r.jar()).seen(), r.old().sha256()));
            }
        }
    }

    /**
     * Installs a new or changed jar; true if a bundle was installed. A bundle it replaces is added
     * to replacements.
     */
    private boolean take(Path jar, List<Replacement> replacements) {
        Seen seen = look(jar);
        String sha256;
        try {
            sha256 = sha256(jar);
            checkIsBundle(jar);
        } catch (IOException e) {
            LOG.error("{} is not a usable bundle: {}", jar.getFileName(), e.getMessage());
            rejected.put(jar, seen);
            return false;
        }
        Taken before = taken.get(jar);
        if (before != null && before.sha256().equals(sha256)) {
            taken.put(jar, new Taken(before.bundle(), seen, sha256));
            return false;
        }
        Bundle bundle;
        try (InputStream in = Files.newInputStream(jar)) {
            // a location of our own per install: the old bundle of a replaced jar still holds the previous one
            bundle = context.installBundle("portraits:" + jar.getFileName() + "#" + (++installs), in);
        } catch (IOException | BundleException e) {
            LOG.error("installing {} failed: {}", jar.getFileName(), e.getMessage());
            rejected.put(jar, seen);
            return false;
        }
        LOG.info("{} {} {} from {}", before == null ? "installed" : "installed new version", bundle.getSymbolicName(),
                bundle.getVersion(), jar.getFileName());
        taken.put(jar, new Taken(bundle, seen, sha256));
        if (before != null) {
            replacements.add(new Replacement(jar, before));
        }
        return true;
    }

    private static void uninstallQuietly(Bundle b) {
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("uninstalling {} failed: {}", b.getSymbolicName(), e.getMessage());
        }
    }

    /** Starts every bundle of the folder that is not active (again after a refresh, or when a missing dependency arrived). */
    synchronized void startAll() {
        for (Taken t : taken.values()) {
            Bundle b = t.bundle();
            if (b.getState() == Bundle.ACTIVE || b.getState() == Bundle.UNINSTALLED || isFragment(b)) {
                continue;
            }
            try {
                b.start();
                problems.remove(b.getBundleId());
            } catch (BundleException | IllegalStateException e) {
                String why = e.getMessage();
                if (!why.equals(problems.put(b.getBundleId(), why))) {
                    LOG.error("{} {} did not start: {}", b.getSymbolicName(), b.getVersion(), why);
                }
            }
        }
    }

    private static boolean isFragment(Bundle b) {
        BundleRevision revision = b.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    private List<Path> listJars() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".jar") && !n.startsWith(".") && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.error("cannot list the bundle folder {}: {}", folder, e.getMessage());
            return List.copyOf(taken.keySet());
        }
    }

    private static Seen look(Path jar) {
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            long changed = UNIX ? ((FileTime) Files.getAttribute(jar, "unix:ctime")).to(TimeUnit.NANOSECONDS) : 0;
            return new Seen(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey(), changed);
        } catch (IOException e) {
            return null;
        }
    }

    private static void checkIsBundle(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest m = file.getManifest();
            if (m == null || m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                throw new IOException("it has no Bundle-SymbolicName in its manifest (build it with bnd)");
            }
        }
    }

    private static String sha256(Path jar) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops watching. The bundles stay installed until the framework stops. */
    @Override
    public void close() {
        watcher.shutdownNow();
        try {
            watcher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
