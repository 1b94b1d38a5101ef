package io.flowmesh.engine.checkpoint;

import io.flowmesh.api.serialization.RecordSerializer;
import io.flowmesh.engine.exchange.KeyGroupRangeAssignment;
import io.flowmesh.engine.serialization.DataInputDeserializer;
import io.flowmesh.engine.serialization.DataOutputSerializer;
import io.flowmesh.engine.serialization.DynamicSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state file of one operator in one subtask (version 2):
 * <pre>
 * int magic "FMST", byte version
 * int n, n × (short class id, string class name)        classes the values below name by id
 * int c, c × string component                           the keyed components the entries name by index
 * int m, m × value                                       operator (non-keyed) state, a union list
 * int g, g × (int key group, int entries, int bytes, entries)
 *        entry = short component index, key, byte k, k × value
 * </pre>
 * Values are written by {@link DynamicSerializer} (records, POJOs, tuples, primitives; the general
 * fallback for the rest). Key groups are sections of their own so that a restore at another
 * parallelism reads the key groups it now owns and skips the others. Version 1 had no component
 * table and named the component in every entry (a string: 10 of W2's ~55 bytes per entry); it is
 * still read.
 */
public final class StateFileFormat {
    private static final int MAGIC = 0x464d5354;
    private static final byte VERSION = 2;
    private static final byte VERSION_COMPONENT_PER_ENTRY = 1;

    private StateFileFormat() {}

    /** Collects one operator's snapshot; {@link #toBytes()} is the file. Task thread only. */
    public static final class Writer {
        private final DynamicSerializer serializer;
        private final int maxParallelism;
        private final List<DynamicSerializer.Definition> definitions = new ArrayList<>();
        private final DataOutputSerializer operatorState = new DataOutputSerializer(64);
        private int operatorStateCount;
        private final TreeMap<Integer, DataOutputSerializer> groups = new TreeMap<>();
        private final TreeMap<Integer, int[]> groupCounts = new TreeMap<>();
        private final List<String> components = new ArrayList<>();

        /**
         * Writes with {@code serializer}, which starts a new stream here (the file carries its own
         * class definitions); reusing one serializer across files keeps its reflection and Fory's
         * generated serializers. One writer at a time per serializer.
         */
        public Writer(DynamicSerializer serializer, int maxParallelism) {
            serializer.startNewStream();
            this.serializer = serializer;
            this.maxParallelism = maxParallelism;
        }

        public void addOperatorState(List<?> entries) {
            for (Object o : entries) {
                value(operatorState, o);
                operatorStateCount++;
            }
        }

        public void addKeyed(String component, KeyedStateComponent state) {
            addKeyed(component, state::snapshot);
        }

        /** Entries of one keyed component, written by {@code entries}. */
        public void addKeyed(String component, java.util.function.Consumer<KeyedStateComponent.EntryWriter> entries) {
            int index = components.indexOf(component);
            if (index < 0) {
                if (components.size() > 0xffff) {
                    throw new IllegalStateException("more than 65536 keyed state components in one operator");
                }
                index = components.size();
                components.add(component);
            }
            int componentIndex = index;
            entries.accept((key, fields) -> {
                int kg = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
                DataOutputSerializer out = groups.computeIfAbsent(kg, g -> new DataOutputSerializer(256));
                groupCounts.computeIfAbsent(kg, g -> new int[1])[0]++;
                out.writeShort(componentIndex);
                value(out, key);
                out.writeByte(fields.length);
                for (Object f : fields) {
                    value(out, f);
                }
            });
        }

        public boolean isEmpty() {
            return operatorStateCount == 0 && groups.isEmpty();
        }

        private void value(DataOutputSerializer out, Object v) {
            serializer.serialize(v, out);
            if (serializer.hasDefinitions()) {
                definitions.addAll(serializer.takeDefinitions());
            }
        }

        public byte[] toBytes() {
            int size = 32 + operatorState.length();
            for (DataOutputSerializer g : groups.values()) {
                size += 12 + g.length();
            }
            DataOutputSerializer out = new DataOutputSerializer(size + definitions.size() * 48);
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(definitions.size());
            for (DynamicSerializer.Definition d : definitions) {
                out.writeShort(d.id());
                out.writeString(d.className());
            }
            out.writeInt(components.size());
            for (String c : components) {
                out.writeString(c);
            }
            out.writeInt(operatorStateCount);
            out.write(operatorState.array(), 0, operatorState.length());
            out.writeInt(groups.size());
            for (Map.Entry<Integer, DataOutputSerializer> e : groups.entrySet()) {
                out.writeInt(e.getKey());
                out.writeInt(groupCounts.get(e.getKey())[0]);
                out.writeInt(e.getValue().length());
                out.write(e.getValue().array(), 0, e.getValue().length());
            }
            return out.toByteArray();
        }
    }

    /** Where a restore puts what it reads. */
    public interface RestoreTarget {
        void operatorState(Object entry);

        /** An entry of a key group the restoring subtask owns. */
        void keyed(String component, Object key, Object[] fields);
    }

    /**
     * Reads a state file: every operator-state entry, and the keyed entries of key groups in
     * {@code [keyGroupStart, keyGroupEnd]}.
     *
     * @throws IOException naming {@code uri} when the bytes are not a state file
     */
    public static void read(String uri, byte[] bytes, ClassLoader classLoader, Map<String, RecordSerializer<?>> registered, int keyGroupStart,
            int keyGroupEnd, RestoreTarget target) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes, 0, bytes.length);
        try {
            if (bytes.length < 5 || in.readInt() != MAGIC) {
                throw new IOException(uri + " is not a Flowmesh state file");
            }
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_COMPONENT_PER_ENTRY) {
                throw new IOException(uri + " has state file version " + version + "; this Flowmesh reads versions 1 and " + VERSION);
            }
            DynamicSerializer serializer = new DynamicSerializer(classLoader, registered);
            int defs = in.readInt();
            for (int i = 0; i < defs; i++) {
                int id = in.readShort() & 0xffff;
                serializer.define(id, in.readString());
            }
            String[] components = new String[version == VERSION ? in.readInt() : 0];
            for (int i = 0; i < components.length; i++) {
                components[i] = in.readString();
            }
            int ops = in.readInt();
            for (int i = 0; i < ops; i++) {
                target.operatorState(serializer.deserialize(in));
            }
            int groups = in.readInt();
            for (int i = 0; i < groups; i++) {
                int kg = in.readInt();
                int entries = in.readInt();
                int length = in.readInt();
                if (kg < keyGroupStart || kg > keyGroupEnd) {
                    in.skipBytes(length);
                    continue;
                }
                for (int e = 0; e < entries; e++) {
                    String component = version == VERSION ? components[in.readShort() & 0xffff] : in.readString();
                    Object key = serializer.deserialize(in);
                    Object[] fields = new Object[in.readByte()];
                    for (int f = 0; f < fields.length; f++) {
                        fields[f] = serializer.deserialize(in);
                    }
                    target.keyed(component, key, fields);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot read the state file " + uri + ": " + e, e);
        }
    }
}
