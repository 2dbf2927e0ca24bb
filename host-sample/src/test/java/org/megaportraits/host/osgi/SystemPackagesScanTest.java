package org.megaportraits.host.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** The list of packages the host exports to bundles, made at build time. */
class SystemPackagesScanTest {

    @Test
    void mavenVersionsBecomeOsgiVersions() {
        assertEquals("0.36.0", SystemPackagesScan.osgiVersion("0.36.0"));
        assertEquals("2.7.1.0_36_0", SystemPackagesScan.osgiVersion("2.7.1-0.36.0"));
        assertEquals("8.1.2.1_5_14", SystemPackagesScan.osgiVersion("8.1.2-1.5.14"));
        assertEquals("1.0.0", SystemPackagesScan.osgiVersion("1.0"));
        assertEquals("2.0.0.SNAPSHOT", SystemPackagesScan.osgiVersion("2-SNAPSHOT"));
    }

    @Test
    void exportHeaderIsReadWithQuotedCommasAndSeveralVersionsOfAPackage() {
        Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        m.getMainAttributes().putValue("Export-Package",
                "org.slf4j;uses:=\"org.slf4j.event,org.slf4j.spi\";version=\"2.0.17\",a.b;c.d;version=1.2,org.slf4j;version=\"1.7.36\"");
        Map<String, Set<String>> v = SystemPackagesScan.exportedVersions(m);
        assertEquals(Set.of("1.7.36", "2.0.17"), v.get("org.slf4j"));
        assertEquals(Set.of("1.2"), v.get("a.b"));
        assertEquals(Set.of("1.2"), v.get("c.d"));
        assertEquals(3, v.size());
    }

    /** The list the build wrote into the host's classes: what the framework property gets. */
    @Test
    void generatedListExportsTheLibrariesBundlesNeedButNotFelixOrPicocli() {
        List<String> clauses = SystemPackages.clauses();
        assertTrue(clauses.contains("org.megaportraits.sdk.reenact;version=\"1.1.0\""));
        assertTrue(clauses.contains("ai.djl.ndarray;version=\"0.36.0\""));
        assertTrue(clauses.contains("ai.djl.pytorch.engine;version=\"0.36.0\""));
        assertTrue(clauses.contains("org.bytedeco.javacpp;version=\"1.5.14\""));
        assertTrue(clauses.contains("org.bytedeco.ffmpeg.global;version=\"8.1.2.1_5_14\""));
        assertTrue(clauses.contains("com.fasterxml.jackson.databind;version=\"2.18.2\""));
        assertTrue(clauses.contains("org.slf4j;version=\"2.0.17\"") && clauses.contains("org.slf4j;version=\"1.7.36\""));
        assertFalse(clauses.stream().anyMatch(c -> c.startsWith("org.osgi.framework") || c.startsWith("org.apache.felix")));
        assertFalse(clauses.stream().anyMatch(c -> c.startsWith("picocli")));
        assertFalse(clauses.stream().anyMatch(c -> c.startsWith("org.megaportraits.host")));
    }
}
