/**
 * The TrainingService component: starts stage-1 runs on a background thread (one at a time per
 * JVM: DJL's gradient recording is JVM-global), reports their status, stops them on request, and
 * evaluates checkpoints. Face pipeline and compositor are optional services.
 */
package org.megaportraits.training.impl;
