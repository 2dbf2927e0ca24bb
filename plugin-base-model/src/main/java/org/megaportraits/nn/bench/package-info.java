/**
 * Benchmark bookkeeping shared by every module's benchmark: timing with device synchronisation and
 * the results table in the repository ({@code benchmarks/RESULTS.md}) that each run appends to.
 */
@Export
@Version("1.0.0")
package org.megaportraits.nn.bench;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
