package io.flowmesh.api.functions;

import java.io.Serializable;

/**
 * Marker for every user function. Functions travel from the dispatcher (where the program's
 * {@code main} builds the pipeline) to the TaskManagers with Java serialization, so they and
 * everything they capture must be {@link Serializable}. Records never use Java serialization.
 */
public interface Function extends Serializable {}
