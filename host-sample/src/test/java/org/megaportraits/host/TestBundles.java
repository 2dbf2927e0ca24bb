package org.megaportraits.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.megaportraits.sdk.enhance.Enhancer;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;

/** Builds the test bundles from packages of the test classes with bnd, as the real bundles are built. */
public final class TestBundles {

    /** Symbolic name of the stamp enhancer bundle (package org.megaportraits.host.swaptest). */
    public static final String STAMP = "org.megaportraits.test.stamp";

    private TestBundles() {
    }

    /** The stamp enhancer in a version: every output pixel is min(255, 100 x major version). */
    public static Path stamp(String version, Path file) throws Exception {
        return build(STAMP, version, "org.megaportraits.host.swaptest", file);
    }

    /** The fixture face, model and compositor services of package org.megaportraits.host.fixture. */
    public static Path fixture(Path file) throws Exception {
        return build("org.megaportraits.test.fixture", "1.0.0", "org.megaportraits.host.fixture", file);
    }

    /** A base-model service whose activation fails (package org.megaportraits.host.brokentest). */
    public static Path failingModel(Path file) throws Exception {
        return build("org.megaportraits.test.failing", "1.0.0", "org.megaportraits.host.brokentest", file);
    }

    /** Writes a bundle to a file through a temporary file and a move, as a user drops a jar in. */
    private static Path build(String symbolicName, String version, String pkg, Path file) throws Exception {
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", symbolicName);
            b.setProperty("Bundle-Version", version);
            b.setProperty("Private-Package", pkg);
            b.addClasspath(TestData.codeOf(TestBundles.class).toFile());
            b.addClasspath(TestData.codeOf(Enhancer.class).toFile());
            b.addClasspath(TestData.codeOf(FrameworkUtil.class).toFile());
            b.addClasspath(TestData.codeOf(Component.class).toFile());
            Jar jar = b.build();
            assertTrue(b.isOk(), "bnd: " + b.getErrors());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".bundle", ".tmp");
            jar.write(tmp.toFile());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }
}
