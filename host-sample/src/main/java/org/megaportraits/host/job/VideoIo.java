package org.megaportraits.host.job;

/** How a {@link ReenactJob} reads its driver and writes its result. */
public enum VideoIo {
    /** Decoded from the driver file and encoded into the output file while the job runs (the product). */
    FILES,
    /**
     * The driver decoded into memory before the job starts and the result frames dropped, nothing
     * written: the job without video I/O, to measure what decoding and encoding cost it.
     */
    IN_MEMORY
}
