package org.megaportraits.host.osgi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.megaportraits.host.TestData;
import org.megaportraits.sdk.enhance.Enhancer;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;

/** Builds the test bundle of package org.megaportraits.host.swaptest with bnd, in a given version. */
final class StampBundles {

    static final String SYMBOLIC_NAME = "org.megaportraits.test.stamp";

    private StampBundles() {
    }

    /** Writes the bundle in a version to a file (through a temporary file and a move, as a user drops a jar). */
    static Path build(String version, Path file) throws Exception {
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", SYMBOLIC_NAME);
            b.setProperty("Bundle-Version", version);
            b.setProperty("Private-Package", "org.megaportraits.host.swaptest");
            b.addClasspath(TestData.codeOf(StampBundles.class).toFile());
            b.addClasspath(TestData.codeOf(Enhancer.class).toFile());
            b.addClasspath(TestData.codeOf(FrameworkUtil.class).toFile());
            b.addClasspath(TestData.codeOf(Component.class).toFile());
            Jar jar = b.build();
            assertTrue(b.isOk(), "bnd: " + b.getErrors());
            Path tmp = Files.createTempFile(file.getParent(), ".stamp", ".tmp");
            jar.write(tmp.toFile());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }
}
