package org.megaportraits.sdk;

/**
 * One weight file of a model: its path relative to the descriptor's folder and its SHA-256 in hex
 * (lower case), checked before loading.
 */
@Api(Api.Status.STABLE)
public record WeightFile(String path, String sha256) {
}
