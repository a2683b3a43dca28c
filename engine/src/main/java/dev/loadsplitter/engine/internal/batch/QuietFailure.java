package dev.loadsplitter.engine.internal.batch;

/** A record's failure whose message says all there is (another invocation holds it): logged without a stack. */
public interface QuietFailure {}
