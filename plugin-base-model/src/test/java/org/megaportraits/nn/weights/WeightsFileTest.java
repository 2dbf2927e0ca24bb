package org.megaportraits.nn.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.megaportraits.nn.layer.Conv;
import org.megaportraits.nn.layer.Init;
import org.megaportraits.nn.layer.NamedParameters;
import org.megaportraits.nn.layer.ResBlock;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.ModelUnavailableException;

class WeightsFileTest {

    private static ResBlock block(int in, int out) {
        return ResBlock.builder(3, in, out, 2).standardized(true).spectral(true).adaptive(4, 3).build();
    }

    private static Map<String, ai.djl.ndarray.NDArray> arrays(Map<String, Parameter> params) {
        Map<String, ai.djl.ndarray.NDArray> a = new LinkedHashMap<>();
        params.forEach((k, v) -> a.put(k, v.getArray()));
        return a;
    }

    @Test
    void savedWeightsLoadBackBitForBit(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            ResBlock saved = block(4, 6);
            Map<String, Parameter> src = NamedParameters.of(saved);
            Init.seedAll(src, 5);
            saved.initialize(m, DataType.FLOAT32);
            Path file = dir.resolve("w.mpwt");
            String sha = WeightsFile.write(file, arrays(src));
            assertEquals(sha, Digests.sha256(file));

            // into uninitialised parameters (created from the file) ...
            ResBlock fresh = block(4, 6);
            Map<String, Parameter> dst = NamedParameters.of(fresh);
            WeightsFile.open(file).assignTo(dst);
            fresh.initialize(m, DataType.FLOAT32);
            // ... and over initialised ones (overwritten in place)
            ResBlock other = block(4, 6);
            Map<String, Parameter> over = NamedParameters.of(other);
            Init.seedAll(over, 6);
            other.initialize(m, DataType.FLOAT32);
            WeightsFile.open(file).assignTo(over);
            for (String name : src.keySet()) {
                byte[] expected = src.get(name).getArray().toByteArray();
                assertArrayEquals(expected, dst.get(name).getArray().toByteArray(), name);
                assertArrayEquals(expected, over.get(name).getArray().toByteArray(), name);
            }
            assertTrue(src.containsKey("conv1.spectral_u"), "buffers are saved too");
        }
    }

    @Test
    void halfPrecisionTensorsRoundTripInTheirOwnType(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            Map<String, Parameter> p = conv(m, DataType.FLOAT16);
            Path file = dir.resolve("h.mpwt");
            WeightsFile.write(file, arrays(p));
            WeightsFile f = WeightsFile.open(file);
            assertEquals(DataType.FLOAT16, f.entries().get("weight").dataType());
            assertArrayEquals(p.get("weight").getArray().toByteArray(),
                    f.read(f.entries().get("weight"), m).toByteArray());
        }
    }

    @Test
    void weightsGetTheFolderDefaultPermissionsAndNoTemporaryFileStays(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            Map<String, Parameter> p = conv(m, DataType.FLOAT32);
            Path file = dir.resolve("w.mpwt");
            WeightsFile.write(file, arrays(p));
            Path plain = Files.createFile(dir.resolve("plain"));
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file),
                        "as any new file in the folder (a temporary file's would be the owner's only)");
            }
            try (var listing = Files.list(dir)) {
                assertEquals(2, listing.count(), "only the weights and the probe file");
            }
        }
    }

    @Test
    void aMismatchNamesEveryMissingUnexpectedAndMisshapedTensor(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            ResBlock saved = block(4, 6);
            Map<String, Parameter> src = NamedParameters.of(saved);
            saved.initialize(m, DataType.FLOAT32);
            Path file = dir.resolve("w.mpwt");
            WeightsFile.write(file, arrays(src));
            // same channels in, more out: conv shapes differ; same channels everywhere: no skip
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> WeightsFile.open(file).assignTo(NamedParameters.of(block(6, 6))));
            String msg = e.getMessage();
            assertTrue(msg.contains("not in the network (2): skip.weight, skip.spectral_u"), msg);
            assertTrue(msg.contains("wrong shape"), msg);
            assertTrue(msg.contains("conv1.weight is (6, 4, 3, 3, 3) in the file, (6, 6, 3, 3, 3) in the network"), msg);
            assertTrue(!e.remedy().isEmpty());
            // the other way round the skip convolution is missing from the file
            ResBlock wide = block(6, 6);
            wide.initialize(m, DataType.FLOAT32);
            Path other = dir.resolve("o.mpwt");
            WeightsFile.write(other, arrays(NamedParameters.of(wide)));
            String missing = assertThrows(ModelUnavailableException.class,
                    () -> WeightsFile.open(other).assignTo(NamedParameters.of(block(4, 6)))).getMessage();
            assertTrue(missing.contains("missing (2): skip.weight, skip.spectral_u"), missing);
        }
    }

    @Test
    void aTruncatedOrForeignFileIsReportedAsDamaged(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), Devices.ENGINE)) {
            Conv c = Conv.builder(2, 3, 4, 3).build();
            c.initialize(m, DataType.FLOAT32);
            Path file = dir.resolve("w.mpwt");
            WeightsFile.write(file, arrays(NamedParameters.of(c)));
            byte[] all = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(all, all.length - 10));
            assertTrue(assertThrows(ModelUnavailableException.class, () -> WeightsFile.open(file))
                    .getMessage().contains("damaged"));
            Files.writeString(file, "not weights at all");
            assertTrue(assertThrows(ModelUnavailableException.class, () -> WeightsFile.open(file))
                    .getMessage().contains("not a MegaPortraits weight file"));
        }
    }

    /** The parameters of a small 2-D convolution, initialised in {@code type}. */
    private static Map<String, Parameter> conv(NDManager m, DataType type) {
        Conv c = Conv.builder(2, 3, 4, 3).build();
        Map<String, Parameter> p = NamedParameters.of(c);
        c.initialize(m, type);
        return p;
    }
}
