package io.flowmesh.engine.serialization;

import io.flowmesh.api.serialization.RecordSerializer;
import io.flowmesh.api.windowing.windows.TimeWindow;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * {@link TimeWindow} as its start and end, 16 bytes (Flink's {@code TimeWindow.Serializer}).
 * Built into {@link DynamicSerializer}: a TimeWindow has no no-argument constructor, so without it
 * each one went to the general fallback, which writes the class's metadata with every value —
 * about 60 bytes per window in every timer and window-content entry of a checkpoint.
 */
final class TimeWindowSerializer implements RecordSerializer<TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void serialize(TimeWindow window, DataOutput out) throws IOException {
        out.writeLong(window.getStart());
        out.writeLong(window.getEnd());
    }

    @Override
    public TimeWindow deserialize(DataInput in) throws IOException {
        return new TimeWindow(in.readLong(), in.readLong());
    }
}
