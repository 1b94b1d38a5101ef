package io.flowmesh.engine.serialization;

import io.flowmesh.api.serialization.RecordSerializer;
import io.flowmesh.api.tuple.Tuple2;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.fory.Fory;
import org.apache.fory.config.CompatibleMode;
import org.apache.fory.config.Language;

/**
 * The record serializer of the data path, for types known only at run time: each value starts with
 * a one-byte type tag. Boxed primitives, {@code String}, {@code byte[]}, primitive arrays,
 * {@code Object[]} and {@link Tuple2} have fixed layouts; Java records and POJOs are written field by
 * field; classes with a registered {@link RecordSerializer} use it, and so does the engine's own
 * {@link io.flowmesh.api.windowing.windows.TimeWindow} (built in: {@link TimeWindowSerializer});
 * anything else goes to the general fallback, Apache Fory. Java serialization is never used for
 * records.
 *
 * <p>Classes are named once per stream, not per record: a writing instance gives each class a
 * 2-byte id the first time it meets it and queues a definition (id, class name) that its owner — a
 * {@code RecordWriter} — sends to every consumer before the record ({@link #takeDefinitions()}); a
 * reading instance (one per input channel) learns the ids with {@link #define}. So one instance
 * serves one direction of one stream and is not thread-safe.
 */
public final class DynamicSerializer implements TypeSerializer<Object> {
    private static final byte LONG = 1, INT = 2, STRING = 3, DOUBLE = 4, BOOLEAN = 5, BYTES = 6, TUPLE2 = 7, FLOAT = 8,
            SHORT = 9, BYTE = 10, CHAR = 11, NULL = 12, CLASS = 13, LONGS = 14, INTS = 15, DOUBLES = 16, OBJECTS = 17, FALLBACK = 18;

    /** A class definition to send before the record that first used it. */
    public record Definition(int id, String className) {}

    private final ClassLoader userClassLoader;
    private final Map<String, RecordSerializer<?>> registered;
    private final IdentityHashMap<Class<?>, Integer> writeIds = new IdentityHashMap<>();
    private final List<ClassInfo> writeInfos = new ArrayList<>();
    private final List<Definition> pending = new ArrayList<>();
    private final HashMap<Integer, ClassInfo> readInfos = new HashMap<>();
    /** What reflection found about each class written so far; kept across {@link #startNewStream()}. */
    private final IdentityHashMap<Class<?>, ClassInfo> classInfos = new IdentityHashMap<>();
    private Fory fory;

    public DynamicSerializer(ClassLoader userClassLoader) {
        this(userClassLoader, Map.of());
    }

    /** @param registered serializers by class name (from {@code registerTypeSerializer}); they win over the built-in ones */
    public DynamicSerializer(ClassLoader userClassLoader, Map<String, RecordSerializer<?>> registered) {
        this.userClassLoader = userClassLoader;
        Map<String, RecordSerializer<?>> all = new HashMap<>(BUILT_IN);
        all.putAll(registered);
        this.registered = all;
    }

    /** Serializers of engine types that reflection cannot write field by field (no no-argument constructor). */
    private static final Map<String, RecordSerializer<?>> BUILT_IN =
            Map.of(io.flowmesh.api.windowing.windows.TimeWindow.class.getName(), new TimeWindowSerializer());

    /**
     * Starts a new stream (e.g. the next state file): forgets the class ids assigned and learnt, so
     * that the new stream carries its own definitions from id 0, but keeps what is costly to
     * rebuild — the reflection on each class and Fory's generated serializers (building those once
     * per state file showed up as janino code generation at every checkpoint in a W2 profile,
     * docs/benchmarks.md).
     */
    public void startNewStream() {
        writeIds.clear();
        writeInfos.clear();
        pending.clear();
        readInfos.clear();
    }

    /** Definitions of classes met since the last call, in order; the caller must send them before the record. */
    public List<Definition> takeDefinitions() {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Definition> d = List.copyOf(pending);
        pending.clear();
        return d;
    }

    public boolean hasDefinitions() {
        return !pending.isEmpty();
    }

    /** Reading side: learns a class id from an in-band definition. */
    public void define(int id, String className) {
        Class<?> type;
        try {
            type = Class.forName(className, false, userClassLoader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("a record of class " + className + " arrived, but the class is not in the job's jar", e);
        }
        readInfos.put(id, ClassInfo.of(type, registered.get(className)));
    }

    @Override
    public void serialize(Object v, DataOutputSerializer out) {
        if (v instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (v instanceof Tuple2<?, ?> t) {
            out.writeByte(TUPLE2);
            serialize(t.f0, out);
            serialize(t.f1, out);
        } else if (v instanceof String s) {
            out.writeByte(STRING);
            out.writeString(s);
        } else if (v instanceof Integer i) {
            out.writeByte(INT);
            out.writeInt(i);
        } else if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof byte[] bytes) {
            out.writeByte(BYTES);
            out.writeInt(bytes.length);
            out.writeBytes(bytes, 0, bytes.length);
        } else if (v instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeFloat(f);
        } else if (v instanceof Short s) {
            out.writeByte(SHORT);
            out.writeShort(s);
        } else if (v instanceof Byte b) {
            out.writeByte(BYTE);
            out.writeByte(b);
        } else if (v instanceof Character c) {
            out.writeByte(CHAR);
            out.writeShort(c);
        } else if (v instanceof long[] a) {
            out.writeByte(LONGS);
            out.writeInt(a.length);
            for (long x : a) {
                out.writeLong(x);
            }
        } else if (v instanceof int[] a) {
            out.writeByte(INTS);
            out.writeInt(a.length);
            for (int x : a) {
                out.writeInt(x);
            }
        } else if (v instanceof double[] a) {
            out.writeByte(DOUBLES);
            out.writeInt(a.length);
            for (double x : a) {
                out.writeDouble(x);
            }
        } else if (v instanceof Object[] a && a.getClass() == Object[].class) {
            out.writeByte(OBJECTS);
            out.writeInt(a.length);
            for (Object x : a) {
                serialize(x, out);
            }
        } else {
            serializeClass(v, out);
        }
    }

    private void serializeClass(Object v, DataOutputSerializer out) {
        Class<?> type = v.getClass();
        Integer id = writeIds.get(type);
        if (id == null) {
            if (writeIds.size() >= 0xffff) {
                throw new IllegalStateException("more than 65535 record classes in one stream");
            }
            id = writeIds.size();
            writeIds.put(type, id);
            writeInfos.add(classInfos.computeIfAbsent(type, t -> ClassInfo.of(t, registered.get(t.getName()))));
            pending.add(new Definition(id, type.getName()));
        }
        ClassInfo info = writeInfos.get(id);
        if (info.kind == ClassInfo.Kind.FALLBACK) {
            byte[] bytes;
            try {
                bytes = fory().serialize(v);
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalArgumentException("no serializer for records of type " + type.getName() + ": the general fallback (Apache Fory) failed ("
                        + e + "); make it a Java record or a POJO (no-argument constructor), or register a RecordSerializer", e);
            }
            out.writeByte(FALLBACK);
            out.writeInt(bytes.length);
            out.writeBytes(bytes, 0, bytes.length);
            return;
        }
        out.writeByte(CLASS);
        out.writeShort(id);
        try {
            if (info.kind == ClassInfo.Kind.REGISTERED) {
                info.registered.serialize(v, out);
            } else {
                info.writeFields(v, this, out);
            }
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot serialize a record of type " + type.getName() + ": " + e, e);
        }
    }

    @Override
    public Object deserialize(DataInputDeserializer in) {
        byte tag = in.readByte();
        return switch (tag) {
            case LONG -> in.readLong();
            case TUPLE2 -> new Tuple2<>(deserialize(in), deserialize(in));
            case STRING -> in.readString();
            case INT -> in.readInt();
            case DOUBLE -> in.readDouble();
            case BOOLEAN -> in.readBoolean();
            case BYTES -> in.readBytes(in.readInt());
            case FLOAT -> in.readFloat();
            case SHORT -> in.readShort();
            case BYTE -> in.readByte();
            case CHAR -> (char) in.readShort();
            case NULL -> null;
            case LONGS -> {
                long[] a = new long[in.readInt()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readLong();
                }
                yield a;
            }
            case INTS -> {
                int[] a = new int[in.readInt()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readInt();
                }
                yield a;
            }
            case DOUBLES -> {
                double[] a = new double[in.readInt()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readDouble();
                }
                yield a;
            }
            case OBJECTS -> {
                Object[] a = new Object[in.readInt()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = deserialize(in);
                }
                yield a;
            }
            case CLASS -> deserializeClass(in);
            case FALLBACK -> fory().deserialize(in.readBytes(in.readInt()));
            default -> throw new IllegalStateException("corrupt record: unknown type tag " + tag);
        };
    }

    private Object deserializeClass(DataInputDeserializer in) {
        int id = in.readShort() & 0xffff;
        ClassInfo info = readInfos.get(id);
        if (info == null) {
            throw new IllegalStateException("corrupt stream: record of class id " + id + " before its definition");
        }
        try {
            return info.kind == ClassInfo.Kind.REGISTERED ? info.registered.deserialize(in) : info.readFields(this, in);
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot deserialize a record of type " + info.type.getName() + ": " + e, e);
        }
    }

    /**
     * The general fallback: Apache Fory, chosen by JMH over Kryo (2-5x faster round trips) and Java
     * serialization (30-60x): schema-consistent (the exchange never outlives the job), the job's class
     * loader, unknown classes fail instead of yielding placeholders. One instance per serializer, so
     * per task thread and job class loader, as Fory requires.
     */
    private Fory fory() {
        if (fory == null) {
            fory = Fory.builder().withLanguage(Language.JAVA).withClassLoader(userClassLoader).requireClassRegistration(false)
                    .withCompatibleMode(CompatibleMode.SCHEMA_CONSISTENT).withDeserializeUnknownClass(false).build();
        }
        return fory;
    }
}
