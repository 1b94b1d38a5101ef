package io.flowmesh.engine.serialization;

import io.flowmesh.api.tuple.Tuple2;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * A serializer for records whose type is known only at run time: each value is written with a
 * one-byte type tag. Fast paths for boxed primitives, {@code String}, {@code byte[]} and
 * {@link Tuple2} (recursively). Other {@link Serializable} types fall back to Java serialization
 * (slow; typed serializers for records and POJOs replace this with the engine issue).
 */
public final class DynamicSerializer implements TypeSerializer<Object> {
    private static final byte LONG = 1, INT = 2, STRING = 3, DOUBLE = 4, BOOLEAN = 5, BYTES = 6, TUPLE2 = 7, FLOAT = 8,
            SHORT = 9, BYTE = 10, CHAR = 11, NULL = 12, JAVA = 127;

    private final ClassLoader userClassLoader;

    public DynamicSerializer(ClassLoader userClassLoader) {
        this.userClassLoader = userClassLoader;
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
        } else if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof Serializable) {
            out.writeByte(JAVA);
            byte[] bytes = javaSerialize(v);
            out.writeInt(bytes.length);
            out.writeBytes(bytes, 0, bytes.length);
        } else {
            throw new IllegalArgumentException("no serializer for records of type " + v.getClass().getName()
                    + ": use a boxed primitive, String, byte[], Tuple2, or a Serializable type");
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
            case JAVA -> javaDeserialize(in.readBytes(in.readInt()));
            default -> throw new IllegalStateException("corrupt record: unknown type tag " + tag);
        };
    }

    private static byte[] javaSerialize(Object v) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(v);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize a record of type " + v.getClass().getName(), e);
        }
    }

    private Object javaDeserialize(byte[] bytes) {
        try (ClassLoaderObjectInputStream in = new ClassLoaderObjectInputStream(new ByteArrayInputStream(bytes), userClassLoader)) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot deserialize a record", e);
        }
    }
}
