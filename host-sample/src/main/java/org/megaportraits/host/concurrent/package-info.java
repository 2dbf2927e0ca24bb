/** Small helpers for the host's threads. */
package org.megaportraits.host.concurrent;
