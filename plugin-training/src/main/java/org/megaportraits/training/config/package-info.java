/**
 * The JSON configuration of a training run: defaults shipped with the bundle
 * ({@code stage1-defaults.json}: the paper's loss weights, optimizer and schedule), overridden
 * field by field by the user's file.
 */
package org.megaportraits.training.config;
