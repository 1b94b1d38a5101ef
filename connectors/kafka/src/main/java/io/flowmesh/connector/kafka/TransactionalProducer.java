package io.flowmesh.connector.kafka;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A transactional Kafka producer that can tell the producer id and epoch of its transaction, and
 * resume a transaction that another producer (maybe in a process that died) pre-committed, so that
 * committing it here ends that transaction. Kafka's public API has neither (KIP-939's
 * {@code prepareTransaction} / {@code initTransactions(true)} is not in kafka-clients 4.0 or 4.4), so,
 * as Flink's Kafka connector does, this reads and writes the client's internal
 * {@code org.apache.kafka.clients.producer.internals.TransactionManager} by reflection: its fields
 * {@code producerIdAndEpoch}, {@code transactionStarted}, {@code isTransactionV2Enabled},
 * {@code latestFinalizedFeaturesEpoch}, {@code txnPartitionMap} (method {@code reset()}) and its
 * method {@code transitionTo(State)} with the states {@code INITIALIZING}, {@code READY},
 * {@code IN_TRANSACTION}. Checked against kafka-clients 4.0.1 and 4.4.0; {@link #checkClientInternals()}
 * fails with a message naming what is missing when another version differs.
 *
 * <p>Used on one thread (the sink subtask's); the reflection runs under the transaction manager's
 * monitor, as its own synchronized methods do.
 */
final class TransactionalProducer extends KafkaProducer<byte[], byte[]> {

    /** The producer id, epoch and protocol version of a producer's current transaction. */
    record Identity(long producerId, short epoch, boolean transactionV2) {}

    private final String transactionalId;

    /** A producer with the given configuration, which must name a {@code transactional.id}. */
    TransactionalProducer(Properties config) {
        super(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.transactionalId = config.getProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }

    String transactionalId() {
        return transactionalId;
    }

    /** Fails, naming the missing piece and the client's version, if this kafka-clients lacks an internal this class needs. */
    static void checkClientInternals() {
        Internals.get();
    }

    /** The producer id and epoch the broker gave this producer, as its current transaction uses them. */
    Identity identity() {
        Internals in = Internals.get();
        Object tm = in.transactionManager(this);
        synchronized (tm) {
            Object pie = in.get(in.producerIdAndEpoch, tm);
            return new Identity((long) in.get(in.producerId, pie), (short) in.get(in.epoch, pie), (boolean) in.get(in.transactionV2, tm));
        }
    }

    /**
     * Makes this producer, on which {@code initTransactions()} was never called, the owner of the
     * open transaction of {@code producerId} and {@code epoch} under its transactional id, so that
     * {@link #commitTransaction()} sends the broker the EndTxn request for that transaction.
     */
    void resumeTransaction(long producerId, short epoch, boolean transactionV2) {
        Internals in = Internals.get();
        Object tm = in.transactionManager(this);
        synchronized (tm) {
            in.transition(tm, "INITIALIZING");
            in.invoke(in.resetPartitions, in.get(in.txnPartitionMap, tm));
            in.set(in.producerIdAndEpoch, tm, in.newProducerIdAndEpoch(producerId, epoch));
            // speak the protocol version the transaction was written with, and keep the client from
            // re-deciding it from the broker's features while it commits
            in.set(in.transactionV2, tm, transactionV2);
            in.set(in.featuresEpoch, tm, Long.MAX_VALUE);
            in.transition(tm, "READY");
            in.transition(tm, "IN_TRANSACTION");
            // without it, committing an "empty" transaction sends no EndTxn request at all
            in.set(in.transactionStarted, tm, true);
        }
    }

    /** The version of the kafka-clients jar this class runs with, from its {@code kafka/kafka-version.properties}. */
    static String clientVersion() {
        try (InputStream in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The reflective handles, looked up once; a lookup failure is remembered and thrown at every use. */
    private static final class Internals {
        private static final String TM = "org.apache.kafka.clients.producer.internals.TransactionManager";
        private static volatile Internals instance;
        private static volatile RuntimeException failure;

        final Field transactionManager;
        final Field producerIdAndEpoch;
        final Field producerId;
        final Field epoch;
        final Constructor<?> producerIdAndEpochConstructor;
        final Field transactionStarted;
        final Field transactionV2;
        final Field featuresEpoch;
        final Field txnPartitionMap;
        final Method resetPartitions;
        final Method transitionTo;
        final Class<? extends Enum> stateClass;

        static Internals get() {
            Internals i = instance;
            if (i != null) {
                return i;
            }
            if (failure != null) {
                throw failure;
            }
            synchronized (Internals.class) {
                if (instance == null && failure == null) {
                    try {
                        instance = new Internals();
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        failure = new IllegalStateException("KafkaSink EXACTLY_ONCE needs internals of kafka-clients that this version ("
                                + clientVersion() + ") does not have as expected: " + e
                                + ". It resumes pre-committed transactions through " + TM
                                + " by reflection, as checked with kafka-clients 4.0.1 and 4.4.0.", e);
                    }
                }
                if (failure != null) {
                    throw failure;
                }
                return instance;
            }
        }

        @SuppressWarnings("unchecked")
        private Internals() throws ReflectiveOperationException {
            transactionManager = accessible(KafkaProducer.class.getDeclaredField("transactionManager"));
            Class<?> tm = transactionManager.getType();
            if (!tm.getName().equals(TM)) {
                throw new NoSuchFieldException("KafkaProducer.transactionManager is a " + tm.getName() + ", not a " + TM);
            }
            producerIdAndEpoch = accessible(tm.getDeclaredField("producerIdAndEpoch"));
            Class<?> pie = producerIdAndEpoch.getType();
            producerId = typed(accessible(pie.getDeclaredField("producerId")), long.class);
            epoch = typed(accessible(pie.getDeclaredField("epoch")), short.class);
            producerIdAndEpochConstructor = pie.getDeclaredConstructor(long.class, short.class);
            producerIdAndEpochConstructor.setAccessible(true);
            transactionStarted = typed(accessible(tm.getDeclaredField("transactionStarted")), boolean.class);
            transactionV2 = typed(accessible(tm.getDeclaredField("isTransactionV2Enabled")), boolean.class);
            featuresEpoch = typed(accessible(tm.getDeclaredField("latestFinalizedFeaturesEpoch")), long.class);
            txnPartitionMap = accessible(tm.getDeclaredField("txnPartitionMap"));
            resetPartitions = txnPartitionMap.getType().getDeclaredMethod("reset");
            resetPartitions.setAccessible(true);
            stateClass = (Class<? extends Enum>) Class.forName(TM + "$State", false, tm.getClassLoader());
            transitionTo = tm.getDeclaredMethod("transitionTo", stateClass);
            transitionTo.setAccessible(true);
            for (String state : new String[] {"INITIALIZING", "READY", "IN_TRANSACTION"}) {
                Enum.valueOf(stateClass, state);
            }
        }

        private static Field accessible(Field f) {
            f.setAccessible(true);
            return f;
        }

        private static Field typed(Field f, Class<?> type) throws NoSuchFieldException {
            if (f.getType() != type) {
                throw new NoSuchFieldException(f.getDeclaringClass().getName() + "." + f.getName() + " is a " + f.getType() + ", not a " + type);
            }
            return f;
        }

        Object transactionManager(KafkaProducer<?, ?> producer) {
            Object tm = get(transactionManager, producer);
            if (tm == null) {
                throw new IllegalStateException("the producer has no transaction manager: it has no transactional.id");
            }
            return tm;
        }

        Object get(Field f, Object target) {
            try {
                return f.get(target);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + f + " of kafka-clients " + clientVersion(), e);
            }
        }

        void set(Field f, Object target, Object value) {
            try {
                f.set(target, value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot write " + f + " of kafka-clients " + clientVersion(), e);
            }
        }

        Object newProducerIdAndEpoch(long id, short e) {
            try {
                return producerIdAndEpochConstructor.newInstance(id, e);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("cannot create " + producerIdAndEpochConstructor + " of kafka-clients " + clientVersion(), ex);
            }
        }

        @SuppressWarnings("unchecked")
        void transition(Object tm, String state) {
            invoke(transitionTo, tm, Enum.valueOf(stateClass, state));
        }

        Object invoke(Method m, Object target, Object... args) {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("kafka-clients " + clientVersion() + ": " + m + " failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot call " + m + " of kafka-clients " + clientVersion(), e);
            }
        }
    }
}
