package org.megaportraits.host.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.host.TestBundles;
import org.megaportraits.host.TestData;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.background.Compositor;
import org.megaportraits.sdk.enhance.Enhancer;
import org.megaportraits.sdk.face.FaceAnalyzer;
import org.megaportraits.sdk.image.ImageBatch;
import org.megaportraits.sdk.image.RgbImage;
import org.megaportraits.sdk.reenact.ReenactmentModel;
import org.megaportraits.sdk.student.StudentModel;
import org.megaportraits.sdk.training.TrainingService;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** The real host with the real, built bundles. */
class HostIntegrationTest {

    private static final Set<String> PLUGINS = Set.of("org.megaportraits.basemodel", "org.megaportraits.enhancer",
            "org.megaportraits.student", "org.megaportraits.background", "org.megaportraits.training");

    private static final List<Class<?>> SDK_SERVICES = List.of(ReenactmentModel.class, Enhancer.class, StudentModel.class,
            FaceAnalyzer.class, Compositor.class, TrainingService.class);

    @TempDir
    Path dir;

    @Test
    void everyBuiltBundleResolvesAndStarts() {
        try (PortraitsHost host = PortraitsHost.start(TestData.builtBundles(), Duration.ofHours(1))) {
            Map<String, Integer> states = host.bundles().stream()
                    .collect(Collectors.toMap(Bundle::getSymbolicName, Bundle::getState, (a, b) -> a));
            assertTrue(states.keySet().containsAll(PLUGINS), "all five plugins installed: " + states.keySet());
            assertTrue(states.containsKey("org.apache.felix.scr"));
            host.bundles().forEach(b -> assertEquals(Bundle.ACTIVE, b.getState(),
                    b.getSymbolicName() + " is not active: " + host.bundleFolder().problems().get(b.getBundleId())));
        }
    }

    /**
     * Every SDK service a bundle registers is usable from the host: it implements the host's own SDK
     * interface (one class space), and activates when leased. The stamp bundle guarantees at least one.
     */
    @Test
    void everyRegisteredSdkServiceIsUsableFromTheHost() throws Exception {
        Path folder = TestData.copyBundles(dir.resolve("bundles"), name -> true);
        TestBundles.stamp("1.0.0", folder.resolve("stamp.jar"));
        int checked = 0;
        try (PortraitsHost host = PortraitsHost.start(folder, Duration.ofHours(1))) {
            for (Class<?> type : SDK_SERVICES) {
                for (Bundle b : host.bundles()) {
                    for (ServiceReference<?> ref : registered(b)) {
                        if (List.of((String[]) ref.getProperty(Constants.OBJECTCLASS)).contains(type.getName())) {
                            try (ServiceLease<?> lease = host.leases().acquire(type).orElseThrow()) {
                                assertTrue(type.isInstance(lease.service()), type + " from " + b.getSymbolicName());
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked >= 1, "the stamp bundle's Enhancer at least");
    }

    /** A service call across the bundle boundary: host images in, images of the bundle's making out. */
    @Test
    void hostCallsAServiceOfABundleFromTheFolder() throws Exception {
        Path folder = TestData.copyBundles(dir.resolve("bundles"), TestData::isFrameworkBundle);
        TestBundles.stamp("2.7.1", folder.resolve("stamp.jar"));
        try (PortraitsHost host = PortraitsHost.start(folder, Duration.ofHours(1));
             ServiceLease<Enhancer> lease = host.leases().acquire(Enhancer.class).orElseThrow();
             Enhancer.Session session = lease.service().open(ExecutionOptions.CPU);
             ImageBatch in = ImageBatch.ofHost(List.of(RgbImage.black(4, 3), RgbImage.black(4, 3)));
             ImageBatch out = session.enhance(in)) {
            assertEquals("2.7.1", lease.service().descriptor().version());
            assertEquals(2, out.size());
            assertEquals(200, out.toHost().get(1).get(3, 2, 2));
        }
    }

    private static List<ServiceReference<?>> registered(Bundle b) {
        ServiceReference<?>[] refs = b.getRegisteredServices();
        return refs == null ? List.of() : List.of(refs);
    }
}
