package org.megaportraits.host.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.megaportraits.host.TestData;

/**
 * No plugin bundle calls an NDArray method that takes a {@code java.lang.Number}: DJL makes the
 * number an array on the operand's device first, a blocking copy that waits for all the work any
 * thread has queued on the GPU (see org.megaportraits.nn.tensor.Scalars, which does it without).
 * Read from the bundles' class files: their constant pools name every method they call.
 */
class NoDeviceCopiedNumbersTest {

    private static final String NDARRAY = "ai/djl/ndarray/NDArray";
    private static final String NUMBER = "Ljava/lang/Number;";

    @Test
    void pluginBundlesNeverPassANumberToAnArrayOperation() throws IOException {
        List<String> calls = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> jars = Files.list(TestData.builtBundles())) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().startsWith("plugin-")).toList()) {
                try (JarFile f = new JarFile(jar.toFile())) {
                    for (JarEntry e : f.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                        classes++;
                        try (InputStream in = f.getInputStream(e)) {
                            for (String m : numberCalls(in.readAllBytes())) {
                                calls.add(jar.getFileName() + "!" + e.getName() + " calls NDArray." + m);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(classes > 100, "the plugin bundles hold only " + classes + " classes: is target/bundles complete?");
        assertEquals(List.of(), calls, "use org.megaportraits.nn.tensor.Scalars instead");
    }

    @Test
    void theScanFindsSuchACall() throws IOException {
        try (InputStream in = NoDeviceCopiedNumbersTest.class.getResourceAsStream("NoDeviceCopiedNumbersTest$Offender.class")) {
            assertEquals(List.of("mul(Ljava/lang/Number;)Lai/djl/ndarray/NDArray;"), numberCalls(in.readAllBytes()));
        }
    }

    /** What the scan must catch (never run). */
    @SuppressWarnings("unused")
    private static final class Offender {
        static ai.djl.ndarray.NDArray half(ai.djl.ndarray.NDArray x) {
            return x.mul(0.5f);
        }
    }

    /** Methods of NDArray with a Number parameter referenced by one class file (name and descriptor). */
    static List<String> numberCalls(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNames = new int[count];
        int[][] refs = new int[count][];
        int[][] nameAndTypes = new int[count][];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // eight-byte constants take two slots
                }
                case 7 -> classNames[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 10, 11 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 9, 17, 18 -> in.readInt();
                case 12 -> nameAndTypes[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> found = new ArrayList<>();
        for (int[] ref : refs) {
            if (ref == null || !NDARRAY.equals(utf8[classNames[ref[0]]])) {
                continue;
            }
            int[] nt = nameAndTypes[ref[1]];
            String descriptor = utf8[nt[1]];
            if (descriptor.substring(0, descriptor.indexOf(')')).contains(NUMBER)) {
                found.add(utf8[nt[0]] + descriptor);
            }
        }
        return found;
    }
}
