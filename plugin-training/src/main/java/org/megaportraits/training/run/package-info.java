/**
 * Running a training job: the stage-1 trainer loop, progress and ETA, JSON-lines loss log, sample
 * grids and the loss-curve plot written into the run folder.
 */
package org.megaportraits.training.run;
