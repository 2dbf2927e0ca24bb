/**
 * A plain command-line entry point to training and evaluation, for use without the OSGi host
 * (the host's {@code portraits train} / {@code portraits eval} commands go through the service).
 */
package org.megaportraits.training.cli;
