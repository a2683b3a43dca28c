/**
 * What the engine knows of task types beyond the public SPI: per-item work and its outcomes.
 * Implementation of the engine; not an API, and may change in any release.
 */
package dev.loadsplitter.engine.internal.task;
