/**
 * The engine's configuration: one {@link dev.loadsplitter.engine.config.Setting} per environment
 * variable, read once per container into {@link dev.loadsplitter.engine.config.EngineSettings}.
 * A task type with settings of its own declares them as {@code Setting}s too, so its documentation
 * and deployment can be held to the code.
 */
package dev.loadsplitter.engine.config;
