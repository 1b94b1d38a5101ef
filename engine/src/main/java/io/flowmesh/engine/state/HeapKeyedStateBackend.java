package io.flowmesh.engine.state;

import io.flowmesh.api.functions.AggregateFunction;
import io.flowmesh.api.functions.ReduceFunction;
import io.flowmesh.api.state.AggregatingState;
import io.flowmesh.api.state.AggregatingStateDescriptor;
import io.flowmesh.api.state.ListState;
import io.flowmesh.api.state.ListStateDescriptor;
import io.flowmesh.api.state.MapState;
import io.flowmesh.api.state.MapStateDescriptor;
import io.flowmesh.api.state.ReducingState;
import io.flowmesh.api.state.ReducingStateDescriptor;
import io.flowmesh.api.state.StateDescriptor;
import io.flowmesh.api.state.StateTtlConfig;
import io.flowmesh.api.state.ValueState;
import io.flowmesh.api.state.ValueStateDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import io.flowmesh.engine.checkpoint.KeyedStateComponent;
import io.flowmesh.engine.checkpoint.StateFileFormat;

/**
 * Keyed state on the JVM heap: one table per named state, key → value, and a current key that the
 * operator sets before it processes a record or fires a timer. Every state object reads and writes
 * the current key's entry. Values with a TTL are stored with their last-access time and are
 * dropped when found expired. Task thread only.
 *
 * <p>Checkpoints: the backend is also the registry of every other keyed part of its operator's state
 * (timers, window contents: {@link #registerComponent}); {@link #snapshot} writes all of it as
 * entries that {@link StateFileFormat} groups by key group, and {@link #restore} takes entries back.
 */
public final class HeapKeyedStateBackend {
    private final Map<String, HashMap<Object, Object>> tables = new HashMap<>();
    private final Map<String, Object> states = new HashMap<>();
    private final Map<String, KeyedStateComponent> components = new java.util.LinkedHashMap<>();
    private static final String TABLE_PREFIX = "s:";
    private final LongSupplier clock;
    private Object currentKey;

    public HeapKeyedStateBackend(LongSupplier clock) {
        this.clock = clock;
    }

    public void setCurrentKey(Object key) {
        this.currentKey = key;
    }

    public Object getCurrentKey() {
        return currentKey;
    }

    /** Number of keys with a value in any state (for tests and metrics). */
    public int numberOfKeys() {
        java.util.HashSet<Object> keys = new java.util.HashSet<>();
        tables.values().forEach(t -> keys.addAll(t.keySet()));
        return keys.size();
    }

    private record Stamped(Object value, long lastAccess) {}

    /** Adds a keyed part of the operator's state that is not a state table (timers, window contents). */
    public void registerComponent(String name, KeyedStateComponent component) {
        if (name.startsWith(TABLE_PREFIX) || components.putIfAbsent(name, component) != null) {
            throw new IllegalArgumentException("keyed state component '" + name + "' is already registered");
        }
    }

    /** Writes every state table (entries: key, value, last access or Long.MIN_VALUE) and every component. */
    public void snapshot(StateFileFormat.Writer out) {
        for (Map.Entry<String, HashMap<Object, Object>> t : tables.entrySet()) {
            if (t.getValue().isEmpty()) {
                continue;
            }
            out.addKeyed(TABLE_PREFIX + t.getKey(), w -> t.getValue().forEach((k, v) -> {
                if (v instanceof Stamped st) {
                    w.entry(k, st.value, st.lastAccess);
                } else {
                    w.entry(k, v, Long.MIN_VALUE);
                }
            }));
        }
        components.forEach(out::addKeyed);
    }

    /**
     * Takes back one entry of a snapshot.
     *
     * @throws IllegalStateException naming the component when this operator has no such part
     */
    public void restore(String component, Object key, Object[] fields) {
        if (component.startsWith(TABLE_PREFIX)) {
            long lastAccess = (Long) fields[1];
            tables.computeIfAbsent(component.substring(TABLE_PREFIX.length()), n -> new HashMap<>())
                    .put(key, lastAccess == Long.MIN_VALUE ? fields[0] : new Stamped(fields[0], lastAccess));
            return;
        }
        KeyedStateComponent c = components.get(component);
        if (c == null) {
            throw new IllegalStateException("the checkpoint holds keyed state '" + component + "' that this operator does not have");
        }
        c.restore(key, fields);
    }

    /** The table behind one state, with TTL handled. */
    private final class Table {
        final HashMap<Object, Object> map;
        final long ttl;
        final boolean refreshOnRead;

        Table(StateDescriptor<?> d) {
            this.map = tables.computeIfAbsent(d.getName(), n -> new HashMap<>());
            StateTtlConfig c = d.getTtlConfig();
            this.ttl = c == null ? 0 : c.getTtl().toMillis();
            this.refreshOnRead = c != null && c.getUpdateType() == StateTtlConfig.UpdateType.OnReadAndWrite;
        }

        Object get() {
            Object v = map.get(currentKey);
            if (ttl == 0 || v == null) {
                return v;
            }
            Stamped s = (Stamped) v;
            long now = clock.getAsLong();
            if (now - s.lastAccess >= ttl) {
                map.remove(currentKey);
                return null;
            }
            if (refreshOnRead) {
                map.put(currentKey, new Stamped(s.value, now));
            }
            return s.value;
        }

        void put(Object value) {
            if (value == null) {
                map.remove(currentKey);
            } else {
                map.put(currentKey, ttl == 0 ? value : new Stamped(value, clock.getAsLong()));
            }
        }

        void clear() {
            map.remove(currentKey);
        }
    }

    @SuppressWarnings("unchecked")
    private <S> S state(StateDescriptor<?> d, Class<?> kind, java.util.function.Supplier<S> create) {
        Object existing = states.get(d.getName());
        if (existing != null) {
            if (!kind.isInstance(existing)) {
                throw new IllegalStateException("state '" + d.getName() + "' was already registered as another kind of state");
            }
            return (S) existing;
        }
        S s = create.get();
        states.put(d.getName(), s);
        return s;
    }

    public <T> ValueState<T> getState(ValueStateDescriptor<T> d) {
        return state(d, ValueState.class, () -> {
            Table t = new Table(d);
            return new ValueState<T>() {
                @SuppressWarnings("unchecked")
                @Override
                public T value() {
                    return (T) t.get();
                }

                @Override
                public void update(T value) {
                    t.put(value);
                }

                @Override
                public void clear() {
                    t.clear();
                }
            };
        });
    }

    public <T> ListState<T> getListState(ListStateDescriptor<T> d) {
        return state(d, ListState.class, () -> {
            Table t = new Table(d);
            return new ListState<T>() {
                @SuppressWarnings("unchecked")
                private ArrayList<T> list() {
                    return (ArrayList<T>) t.get();
                }

                @Override
                public Iterable<T> get() {
                    ArrayList<T> l = list();
                    return l == null ? Collections.emptyList() : Collections.unmodifiableList(l);
                }

                @Override
                public void add(T value) {
                    ArrayList<T> l = list();
                    if (l == null) {
                        l = new ArrayList<>();
                    }
                    l.add(value);
                    t.put(l);
                }

                @Override
                public void addAll(List<T> values) {
                    ArrayList<T> l = list();
                    if (l == null) {
                        l = new ArrayList<>();
                    }
                    l.addAll(values);
                    t.put(l);
                }

                @Override
                public void update(List<T> values) {
                    t.put(values == null || values.isEmpty() ? null : new ArrayList<>(values));
                }

                @Override
                public void clear() {
                    t.clear();
                }
            };
        });
    }

    public <K, V> MapState<K, V> getMapState(MapStateDescriptor<K, V> d) {
        return state(d, MapState.class, () -> {
            Table t = new Table(d);
            return new MapState<K, V>() {
                @SuppressWarnings("unchecked")
                private HashMap<K, V> map(boolean create) {
                    HashMap<K, V> m = (HashMap<K, V>) t.get();
                    if (m == null && create) {
                        m = new HashMap<>();
                    }
                    return m;
                }

                @Override
                public V get(K key) {
                    HashMap<K, V> m = map(false);
                    return m == null ? null : m.get(key);
                }

                @Override
                public void put(K key, V value) {
                    HashMap<K, V> m = map(true);
                    m.put(key, value);
                    t.put(m);
                }

                @Override
                public void putAll(Map<K, V> values) {
                    HashMap<K, V> m = map(true);
                    m.putAll(values);
                    t.put(m);
                }

                @Override
                public void remove(K key) {
                    HashMap<K, V> m = map(false);
                    if (m != null) {
                        m.remove(key);
                        t.put(m.isEmpty() ? null : m);
                    }
                }

                @Override
                public boolean contains(K key) {
                    HashMap<K, V> m = map(false);
                    return m != null && m.containsKey(key);
                }

                @Override
                public Iterable<Map.Entry<K, V>> entries() {
                    HashMap<K, V> m = map(false);
                    return m == null ? Collections.emptyList() : Collections.unmodifiableMap(m).entrySet();
                }

                @Override
                public Iterable<K> keys() {
                    HashMap<K, V> m = map(false);
                    return m == null ? Collections.emptyList() : Collections.unmodifiableSet(m.keySet());
                }

                @Override
                public Iterable<V> values() {
                    HashMap<K, V> m = map(false);
                    return m == null ? Collections.emptyList() : Collections.unmodifiableCollection(m.values());
                }

                @Override
                public boolean isEmpty() {
                    HashMap<K, V> m = map(false);
                    return m == null || m.isEmpty();
                }

                @Override
                public void clear() {
                    t.clear();
                }
            };
        });
    }

    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> d) {
        ReduceFunction<T> f = d.getReduceFunction();
        return state(d, ReducingState.class, () -> {
            Table t = new Table(d);
            return new ReducingState<T>() {
                @SuppressWarnings("unchecked")
                @Override
                public T get() {
                    return (T) t.get();
                }

                @Override
                public void add(T value) {
                    T current = get();
                    try {
                        t.put(current == null ? value : f.reduce(current, value));
                    } catch (Exception e) {
                        throw new IllegalStateException("the reduce function of state '" + d.getName() + "' failed: " + e, e);
                    }
                }

                @Override
                public void clear() {
                    t.clear();
                }
            };
        });
    }

    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> d) {
        AggregateFunction<IN, ACC, OUT> f = d.getAggregateFunction();
        return state(d, AggregatingState.class, () -> {
            Table t = new Table(d);
            return new AggregatingState<IN, OUT>() {
                @SuppressWarnings("unchecked")
                @Override
                public OUT get() {
                    ACC acc = (ACC) t.get();
                    return acc == null ? null : f.getResult(acc);
                }

                @SuppressWarnings("unchecked")
                @Override
                public void add(IN value) {
                    ACC acc = (ACC) t.get();
                    t.put(f.add(value, acc == null ? f.createAccumulator() : acc));
                }

                @Override
                public void clear() {
                    t.clear();
                }
            };
        });
    }
}
