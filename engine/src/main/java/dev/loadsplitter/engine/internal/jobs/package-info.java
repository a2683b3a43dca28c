/** Implementation of the engine; not an API, and may change in any release. */
package dev.loadsplitter.engine.internal.jobs;
