/**
 * The engine's configuration: one {@link dev.loadsplitter.engine.config.Setting} per environment
 * variable, all of them listed in {@link dev.loadsplitter.engine.config.Settings}, and read once per
 * container into the engine's internal settings. A task type with settings of its own declares them as
 * {@code Setting}s too, so its documentation and deployment can be held to the code.
 */
package dev.loadsplitter.engine.config;
