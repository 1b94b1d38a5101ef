package io.flowmesh.engine.windowing;

import java.io.Serializable;

/** A window's result in the tests: key, exclusive window end, aggregated value. */
record WindowResult(long key, long start, long end, long value) implements Serializable {}
