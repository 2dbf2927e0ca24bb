package org.megaportraits.face.bench;

import ai.djl.util.cuda.CudaUtils;
import java.util.LinkedHashMap;
import java.util.Map;
import org.megaportraits.sdk.ExecutionOptions;

/** What the bundle's benchmarks share: {@code --option value} arguments and the device named for the results table. */
public final class BenchArgs {

    private BenchArgs() {
    }

    /**
     * The arguments as option name to value, or null (after printing {@code usage}) when they do not
     * come in pairs.
     *
     * @throws IllegalArgumentException for a pair whose first word is not an option
     */
    public static Map<String, String> parse(String[] argv, String usage) {
        if (argv.length % 2 != 0) {
            System.out.println("options: " + usage);
            return null;
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        return args;
    }

    /** The device in words: the GPU with its compute capability, or the CPU with its cores. */
    public static String device(ExecutionOptions options) {
        return options.isGpu() ? options.device() + " (compute capability " + CudaUtils.getComputeCapability(options.gpuIndex()) + ")"
                : "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }
}
