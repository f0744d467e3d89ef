package dev.nabla.spark;

import java.io.Serializable;

/** Called on the executor at the start of every training task, before any work: where tests inject a failure. */
@FunctionalInterface
interface TaskHook extends Serializable {

    TaskHook NONE = (step, partition) -> { };

    /** @param step the 0-based optimizer step of the run */
    void beforeStep(long step, int partition);
}
