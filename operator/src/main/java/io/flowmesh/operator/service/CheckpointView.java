package io.flowmesh.operator.service;

/** A completed checkpoint: its id, directory (chk-n) and completion time (epoch millis). */
public record CheckpointView(long checkpointId, String location, long completedAtMs) {}
