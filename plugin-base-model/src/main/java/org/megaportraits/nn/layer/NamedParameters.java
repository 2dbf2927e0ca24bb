package org.megaportraits.nn.layer;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stable dotted names for every parameter of a block tree, e.g. {@code g3d.down.0.conv1.weight}:
 * the child names given when the network was built, without the position prefix DJL adds to
 * them. These names are what weight files, checkpoints and optimisers key on.
 */
public final class NamedParameters {

    private NamedParameters() {
    }

    /** All parameters of {@code root} in declaration order, by dotted name. */
    public static Map<String, Parameter> of(Block root) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(root, "", out);
        return Collections.unmodifiableMap(out);
    }

    /** Total number of scalars in the parameters (buffers included) of {@code root}. */
    public static long count(Block root) {
        long n = 0;
        for (Parameter p : of(root).values()) {
            n += p.getShape().size();
        }
        return n;
    }

    /** Number of trainable scalars of {@code root} (buffers excluded). */
    public static long countTrainable(Block root) {
        long n = 0;
        for (Parameter p : of(root).values()) {
            if (p.requiresGradient()) {
                n += p.getShape().size();
            }
        }
        return n;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            String name = prefix + p.getKey();
            if (out.put(name, p.getValue()) != null) {
                throw new IllegalStateException("two parameters are named " + name);
            }
        }
        for (Pair<String, Block> c : block.getChildren()) {
            collect(c.getValue(), prefix + stripPosition(c.getKey()) + ".", out);
        }
    }

    /** DJL stores a child as its position (two digits or more) followed by the name it was given. */
    private static String stripPosition(String key) {
        int i = 0;
        while (i < key.length() && Character.isDigit(key.charAt(i))) {
            i++;
        }
        return key.substring(i);
    }
}
