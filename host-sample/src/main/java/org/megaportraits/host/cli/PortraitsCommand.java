package org.megaportraits.host.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code portraits} command line: {@code java -jar portraits.jar <command>}. */
@Command(name = "portraits", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Neural head avatars (MegaPortraits) on an OSGi host: reenact a portrait with a driver video.",
        subcommands = {BundlesCommand.class, ReenactCommand.class, TrainCommand.class, EvalCommand.class, ProbeCommand.class, MakeClipCommand.class, BenchVideoCommand.class, BenchReenactCommand.class,
                CommandLine.HelpCommand.class})
public final class PortraitsCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Runs a command and exits with its status: 0 done, 1 unexpected failure, 2 bad input or usage, 3 model missing. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command and returns its exit status. */
    static int execute(String... args) {
        configureRuntime(Arrays.asList(args));
        return commandLine().execute(args);
    }

    /** The command line with its error report, printing to stdout and stderr unless told otherwise. */
    static CommandLine commandLine() {
        return new CommandLine(new PortraitsCommand()).setExecutionExceptionHandler(new FailureReport());
    }

    /**
     * Settings that must be in place before the classes they steer load: JavaCPP's memory limit
     * would trip on PyTorch's allocations; logging stays quiet unless asked. (DJL's own settings
     * are made by PortraitsHost, which embedding applications use too.)
     */
    private static void configureRuntime(List<String> args) {
        setDefault("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        boolean verbose = args.contains("-v") || args.contains("--verbose");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        // DJL probes for CUDA on every start and warns when it finds a driver too old: not news on a CPU machine
        setDefault("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", verbose ? "info" : "error");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, for example: portraits reenact --help");
    }
}
