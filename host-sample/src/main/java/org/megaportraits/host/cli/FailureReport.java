package org.megaportraits.host.cli;

import org.megaportraits.sdk.InvalidInputException;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.PortraitsException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Prints an SDK error as one line with its remedy; anything else with its stack trace. */
final class FailureReport implements IExecutionExceptionHandler {

    static final int UNEXPECTED = 1;
    static final int BAD_INPUT = 2;
    static final int MODEL_MISSING = 3;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof PortraitsException p) {
            cmd.getErr().println("portraits: error: " + p.getMessage());
            return p instanceof ModelUnavailableException ? MODEL_MISSING
                    : p instanceof InvalidInputException ? BAD_INPUT : UNEXPECTED;
        }
        cmd.getErr().println("portraits: unexpected failure:");
        e.printStackTrace(cmd.getErr());
        return UNEXPECTED;
    }
}
