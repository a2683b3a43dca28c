/**
 * The jobs a deployed (or {@code load-splitter serve}'s) function keeps in its ledger, for operators
 * and for code: list them, show one, read its items' results in order, cancel it, redrive its
 * dead-lettered items. {@code load-splitter jobs} is built on {@link dev.loadsplitter.engine.jobs.Jobs};
 * so can a user's own tool.
 */
package dev.loadsplitter.engine.jobs;
