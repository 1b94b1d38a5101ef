package io.flowmesh.engine.serialization;

import io.flowmesh.api.serialization.RecordSerializer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * How the instances of one class are written: with a registered {@link RecordSerializer}, as a Java
 * record (its components, through the canonical constructor), as a POJO (its non-static,
 * non-transient fields, through the no-argument constructor), or by the general fallback.
 * Built once per class and side (writer or reader), by reflection.
 */
final class ClassInfo {
    enum Kind { REGISTERED, RECORD, POJO, FALLBACK }

    final Class<?> type;
    final Kind kind;
    final RecordSerializer<Object> registered;
    private final Method[] accessors;
    private final Constructor<?> constructor;
    private final Field[] fields;

    private ClassInfo(Class<?> type, Kind kind, RecordSerializer<Object> registered, Method[] accessors, Constructor<?> constructor, Field[] fields) {
        this.type = type;
        this.kind = kind;
        this.registered = registered;
        this.accessors = accessors;
        this.constructor = constructor;
        this.fields = fields;
    }

    @SuppressWarnings("unchecked")
    static ClassInfo of(Class<?> type, RecordSerializer<?> registered) {
        if (registered != null) {
            return new ClassInfo(type, Kind.REGISTERED, (RecordSerializer<Object>) registered, null, null, null);
        }
        if (type.isRecord()) {
            RecordComponent[] components = type.getRecordComponents();
            Method[] accessors = new Method[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                types[i] = components[i].getType();
            }
            try {
                Constructor<?> c = type.getDeclaredConstructor(types);
                c.setAccessible(true);
                return new ClassInfo(type, Kind.RECORD, null, accessors, c, null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return fallback(type);
            }
        }
        if (!Modifier.isAbstract(type.getModifiers()) && !type.isInterface() && !type.isArray() && !type.isEnum()) {
            try {
                Constructor<?> c = type.getDeclaredConstructor();
                c.setAccessible(true);
                List<Field> all = new ArrayList<>();
                for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
                    for (Field f : k.getDeclaredFields()) {
                        int m = f.getModifiers();
                        if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
                            f.setAccessible(true);
                            all.add(f);
                        }
                    }
                }
                return new ClassInfo(type, Kind.POJO, null, null, c, all.toArray(Field[]::new));
            } catch (NoSuchMethodException e) {
                return fallback(type);
            } catch (RuntimeException e) { // inaccessible (module rules)
                return fallback(type);
            }
        }
        return fallback(type);
    }

    private static ClassInfo fallback(Class<?> type) {
        return new ClassInfo(type, Kind.FALLBACK, null, null, null, null);
    }

    void writeFields(Object value, DynamicSerializer s, DataOutputSerializer out) throws ReflectiveOperationException {
        if (kind == Kind.RECORD) {
            for (Method a : accessors) {
                s.serialize(a.invoke(value), out);
            }
        } else {
            for (Field f : fields) {
                s.serialize(f.get(value), out);
            }
        }
    }

    Object readFields(DynamicSerializer s, DataInputDeserializer in) throws ReflectiveOperationException {
        if (kind == Kind.RECORD) {
            Object[] args = new Object[accessors.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = s.deserialize(in);
            }
            return constructor.newInstance(args);
        }
        Object o = constructor.newInstance();
        for (Field f : fields) {
            f.set(o, s.deserialize(in));
        }
        return o;
    }
}
