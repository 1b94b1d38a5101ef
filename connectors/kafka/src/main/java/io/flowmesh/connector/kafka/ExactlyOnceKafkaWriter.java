package io.flowmesh.connector.kafka;

import io.flowmesh.api.sink.SinkWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * A {@link KafkaSink} writer with {@link DeliveryGuarantee#EXACTLY_ONCE}: two-phase commit over Kafka
 * transactions, driven by the checkpoints. Every method runs on the sink subtask's thread; the only
 * blocking calls are the producer's own (flush, initTransactions, commit, abort).
 *
 * <p><b>Transactions.</b> The subtask owns the transactional ids {@code <prefix>-<subtask>-<slot>}
 * ({@link TransactionalIds}): {@code poolSize} of them from the start, and one more whenever a
 * barrier finds every id taken (checkpoints that fail keep their transactions pending until a later
 * checkpoint completes, so the pool grows by one id per failed checkpoint in a row and never blocks
 * a checkpoint). Slots are numbered without gaps, which is what lets a restore find every id a run
 * used. A slot has a producer while it is free or open; of the pre-committed ones only the first
 * {@value #PENDING_PRODUCERS_KEPT} keep theirs, the later ones are committed through a new producer
 * that resumes the transaction, as a restore does. Records go into the
 * current transaction. At barrier <i>n</i> ({@code flush(false)}, then {@link #snapshotState}) the
 * transaction is flushed and pre-committed: it stays open on the broker, its
 * {@link KafkaCommittable} goes into the snapshot, and the next records go into a new transaction on
 * a free slot. {@link #notifyCheckpointComplete}(n) commits, in checkpoint order, every
 * pre-committed transaction of a checkpoint {@code <= n} and frees its slot. A transaction without
 * records is not pre-committed: it stays the current one. Every snapshot also holds a
 * {@link KafkaWriterState}, and every committable not committed yet (also those of checkpoints that
 * never completed).
 *
 * <p>A slot's producer is reused for a later transaction only if committing moved it to a new
 * producer epoch (Kafka's transactions V2 bump the epoch at every commit); otherwise it is closed
 * and the slot gets a fresh producer whose {@code initTransactions()} bumps the epoch. So no two
 * transactions ever share a transactional id, producer id and epoch, which is what makes committing
 * a restored committable again safe: it can only end that very transaction.
 *
 * <p><b>Start.</b> Opening the writer, in this order: commits the restored committables that are
 * this subtask's ({@code committable.subtask % parallelism == subtaskIndex}), by resuming each
 * transaction with its producer id and epoch ({@link TransactionalProducer#resumeTransaction});
 * a transaction that is already committed (or was fenced since) is skipped; then calls
 * {@code initTransactions()} on every id of the previous run mapped to this subtask
 * ({@link TransactionalIds#toAbortOnRestore}), on every id with an ongoing transaction that the
 * broker lists and that belongs to this subtask under one of the known prefixes (the ids a failed
 * run added after its last checkpoint; {@link TransactionalIds#belongsTo}), and on its own ids:
 * this fences the producers of earlier attempts and aborts what they left open.
 *
 * <p><b>End.</b> {@code flush(true)} commits every pending transaction and the current one at once,
 * without waiting for a checkpoint: the window this leaves is that a failure after it, before the
 * job has finished, restores the last completed checkpoint and writes the records after it again.
 * {@link #close()} aborts the current transaction; pre-committed ones are left open for the restore
 * to commit or abort (they expire after {@code transaction.timeout.ms} if no restore comes).
 */
final class ExactlyOnceKafkaWriter<T> implements SinkWriter<T> {
    private static final System.Logger LOG = System.getLogger(ExactlyOnceKafkaWriter.class.getName());
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Slots whose producers stay open while free; the others are created when needed. */
    private static final int PRODUCERS_KEPT = 2;
    /** Pre-committed transactions that keep their producer; the later ones are resumed to be committed. */
    static final int PENDING_PRODUCERS_KEPT = 3;
    private static final Duration LIST_TRANSACTIONS_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final RecordFieldSerializer<T> keySerializer;
    private final RecordFieldSerializer<T> valueSerializer;
    /** The producers' configuration without the transactional id and client id. */
    private final Properties producerConfig;
    private final String prefix;
    private final int subtask;
    private final int parallelism;
    private final List<Slot> slots = new ArrayList<>();
    /** Pre-committed transactions, in checkpoint order. */
    private final ArrayDeque<Slot> precommitted = new ArrayDeque<>();
    /** The open transaction the records go to; null after the end of the input. */
    private Slot current;
    private boolean currentHasRecords;
    private volatile Exception asyncError;
    private final Callback callback = this::onCompletion;

    /** One transactional id and, while it has one, its producer. */
    private static final class Slot {
        final int index;
        final String transactionalId;
        TransactionalProducer producer;
        boolean busy;
        KafkaCommittable committable;

        Slot(int index, String transactionalId) {
            this.index = index;
            this.transactionalId = transactionalId;
        }
    }

    /**
     * Opens the writer as the class comment says (commits {@code toCommit}, aborts {@code toAbort}
     * and the ongoing transactions of this subtask's ids under {@code knownPrefixes}, then
     * initializes its own ids) and begins its first transaction. On failure,
     * what was opened is closed before this throws.
     */
    ExactlyOnceKafkaWriter(String topic, RecordFieldSerializer<T> keySerializer, RecordFieldSerializer<T> valueSerializer,
            Properties producerConfig, String prefix, int subtask, int parallelism, int poolSize, List<KafkaCommittable> toCommit,
            Collection<String> toAbort, Collection<String> knownPrefixes) {
        TransactionalProducer.checkClientInternals();
        this.topic = topic;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.producerConfig = producerConfig;
        this.prefix = prefix;
        this.subtask = subtask;
        this.parallelism = parallelism;
        for (int i = 0; i < poolSize; i++) {
            slots.add(new Slot(i, TransactionalIds.id(prefix, subtask, i)));
        }
        try {
            for (KafkaCommittable c : toCommit) {
                recommit(c, false);
            }
            Set<String> aborting = new LinkedHashSet<>(toAbort);
            for (String id : ongoingTransactionalIds()) {
                if (TransactionalIds.belongsTo(id, knownPrefixes, subtask, parallelism)
                        && !TransactionalIds.isOwn(id, prefix, subtask, poolSize)) {
                    aborting.add(id);
                }
            }
            for (String id : aborting) {
                try (TransactionalProducer p = newProducer(id)) {
                    initTransactions(p); // fences the old producer, aborts its open transaction
                }
            }
            for (Slot slot : slots) {
                slot.producer = newProducer(slot.transactionalId);
                initTransactions(slot.producer);
                if (slot.index >= PRODUCERS_KEPT) {
                    slot.producer.close(CLOSE_TIMEOUT);
                    slot.producer = null;
                }
            }
            current = acquire();
        } catch (RuntimeException e) {
            for (Slot slot : slots) {
                if (slot.producer != null) {
                    slot.producer.close(Duration.ZERO);
                }
            }
            throw e;
        }
    }

    private TransactionalProducer newProducer(String transactionalId) {
        Properties p = new Properties();
        p.putAll(producerConfig);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, p.getProperty(ProducerConfig.CLIENT_ID_CONFIG, "flowmesh-sink") + "-" + transactionalId);
        return new TransactionalProducer(p);
    }

    private void initTransactions(TransactionalProducer p) {
        try {
            p.initTransactions();
        } catch (KafkaException e) {
            if (!causedBy(e, InvalidTxnTimeoutException.class) && !String.valueOf(e.getMessage()).contains("transaction.max.timeout.ms")) {
                throw e;
            }
            p.close(Duration.ZERO);
            throw new IllegalStateException("KafkaSink for topic '" + topic + "': the broker refused transaction.timeout.ms="
                    + producerConfig.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)
                    + " for transactional id " + p.transactionalId() + ": it must not exceed the broker's transaction.max.timeout.ms"
                    + " (15 min by default); lower it with setTransactionTimeout(...)", e);
        }
    }

    /** The transactional ids with an ongoing transaction on the cluster (ListTransactions). */
    private List<String> ongoingTransactionalIds() {
        Properties adminConfig = new Properties();
        for (String key : AdminClientConfig.configNames()) {
            if (producerConfig.containsKey(key) && !key.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                adminConfig.put(key, producerConfig.get(key));
            }
        }
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "flowmesh-sink-" + prefix + "-" + subtask + "-restore");
        try (Admin admin = Admin.create(adminConfig)) {
            return admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                    .all().get(LIST_TRANSACTIONS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .stream().map(TransactionListing::transactionalId).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("KafkaSink for topic '" + topic + "': interrupted while listing the open transactions", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("KafkaSink for topic '" + topic + "', subtask " + subtask + ": listing the open transactions"
                    + " (to abort those a failed run left) failed: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    /**
     * Commits a pre-committed transaction through a new producer that resumes it. On a restore
     * ({@code live} false), one that is already complete is skipped, and one the broker aborted is
     * logged as lost; in a running writer, every failure throws.
     */
    private void recommit(KafkaCommittable c, boolean live) {
        TransactionalProducer p = newProducer(c.transactionalId());
        try {
            p.resumeTransaction(c.producerId(), c.epoch(), c.transactionV2());
            p.commitTransaction();
            p.close(CLOSE_TIMEOUT);
        } catch (KafkaException e) {
            p.close(Duration.ZERO);
            if (live) {
                throw commitFailed(c, e);
            }
            if (causedBy(e, ProducerFencedException.class) || causedBy(e, InvalidProducerEpochException.class)) {
                // a later producer epoch exists for the id: the transaction was ended before (committed, as checkpoint
                // completion commits it first; or aborted by its timeout), and nothing of it is left to commit
                LOG.log(System.Logger.Level.INFO, "KafkaSink: transaction {0} of checkpoint {1} (producer id {2}, epoch {3}) was already ended; "
                        + "not committing it again", c.transactionalId(), c.checkpointId(), c.producerId(), c.epoch());
            } else if (causedBy(e, InvalidTxnStateException.class)) {
                LOG.log(System.Logger.Level.WARNING, "KafkaSink: transaction {0} of checkpoint {1} for topic ''{2}'' could not be committed: "
                        + "the broker aborted it, most likely because it outlived transaction.timeout.ms={3}; its records are lost",
                        c.transactionalId(), c.checkpointId(), topic, producerConfig.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
            } else {
                throw new IllegalStateException("KafkaSink for topic '" + topic + "': committing the restored transaction " + c + " failed: " + e, e);
            }
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** A free slot (a new one, with the next id, when every slot is taken), with its producer, in a new transaction. */
    private Slot acquire() {
        Slot free = null;
        for (Slot slot : slots) {
            if (!slot.busy) {
                free = slot;
                break;
            }
        }
        if (free == null) {
            free = new Slot(slots.size(), TransactionalIds.id(prefix, subtask, slots.size()));
            List<Long> waiting = precommitted.stream().map(s -> s.committable.checkpointId()).toList();
            LOG.log(System.Logger.Level.INFO, "KafkaSink for topic ''{0}'', subtask {1}: every transactional id is taken by transactions"
                    + " waiting for checkpoints {2} to complete; adding {3}", topic, subtask, waiting, free.transactionalId);
        }
        if (free.producer == null) {
            TransactionalProducer p = newProducer(free.transactionalId);
            initTransactions(p);
            free.producer = p;
        }
        if (free.index == slots.size()) {
            slots.add(free);
        }
        free.producer.beginTransaction();
        free.busy = true;
        currentHasRecords = false;
        return free;
    }

    /** Number of transactional ids this writer has used so far (test support). */
    int transactionalIdCount() {
        return slots.size();
    }

    /** The slot's transaction is committed: frees it, replacing its producer if the commit did not move it to a new epoch. */
    private void release(Slot slot) {
        KafkaCommittable done = slot.committable;
        slot.committable = null;
        slot.busy = false;
        if (slot.producer == null) {
            return; // committed through a resumed producer; the slot gets a fresh one when it is used again
        }
        TransactionalProducer.Identity now = slot.producer.identity();
        if (done == null || (now.producerId() == done.producerId() && now.epoch() == done.epoch())) {
            slot.producer.close(CLOSE_TIMEOUT);
            slot.producer = null;
        } else if (slot.index >= PRODUCERS_KEPT) {
            slot.producer.close(CLOSE_TIMEOUT);
            slot.producer = null;
        }
    }

    private void onCompletion(RecordMetadata metadata, Exception e) {
        if (e != null && asyncError == null) {
            asyncError = e;
        }
    }

    private void checkError() {
        Exception e = asyncError;
        if (e != null) {
            throw new IllegalStateException("writing to Kafka topic '" + topic + "' failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(T element) throws Exception {
        checkError();
        if (current == null) {
            throw new IllegalStateException("KafkaSink for topic '" + topic + "': write after the end of the input");
        }
        byte[] key = keySerializer == null ? null : keySerializer.serialize(element);
        current.producer.send(new ProducerRecord<>(topic, key, valueSerializer.serialize(element)), callback);
        currentHasRecords = true;
    }

    /**
     * Barrier ({@code endOfInput} false): waits until every record of the current transaction is
     * acknowledged. End of input: also commits every pending transaction, then the current one.
     */
    @Override
    public void flush(boolean endOfInput) throws Exception {
        if (current == null) {
            return;
        }
        current.producer.flush();
        checkError();
        if (endOfInput) {
            commitPrecommitted(Long.MAX_VALUE);
            Slot last = current;
            current = null;
            if (currentHasRecords) {
                last.producer.commitTransaction();
                last.committable = null;
                last.busy = false;
                last.producer.close(CLOSE_TIMEOUT);
                last.producer = null;
            } else {
                last.producer.abortTransaction(); // empty: ends it without an EndTxn request
                last.busy = false;
            }
        }
    }

    /**
     * Pre-commits the current transaction if it has records (flushed, left open, its committable
     * kept) and begins the next one on a free slot. Returns the committables of every transaction
     * not committed yet, in checkpoint order, and this writer's {@link KafkaWriterState}.
     */
    @Override
    public List<Object> snapshotState(long checkpointId) throws Exception {
        checkError();
        if (current != null && currentHasRecords) {
            current.producer.flush();
            checkError();
            TransactionalProducer.Identity id = current.producer.identity();
            KafkaCommittable committable = new KafkaCommittable(current.transactionalId, id.producerId(), id.epoch(), id.transactionV2(),
                    checkpointId, subtask);
            // the next slot first: if none is free this throws (the checkpoint is declined) with nothing changed,
            // and the current transaction goes on; it is pre-committed at a later barrier
            Slot next = acquire();
            current.committable = committable;
            precommitted.add(current);
            if (precommitted.size() > PENDING_PRODUCERS_KEPT) {
                current.producer.close(Duration.ZERO); // the transaction stays open; it is resumed to be committed
                current.producer = null;
            }
            current = next;
        }
        List<Object> state = new ArrayList<>(precommitted.size() + 1);
        for (Slot slot : precommitted) {
            state.add(slot.committable);
        }
        state.add(new KafkaWriterState(prefix, subtask, parallelism, slots.size()));
        return state;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        commitPrecommitted(checkpointId);
    }

    private void commitPrecommitted(long upToCheckpoint) {
        while (!precommitted.isEmpty() && precommitted.peek().committable.checkpointId() <= upToCheckpoint) {
            Slot slot = precommitted.peek();
            if (slot.producer == null) {
                recommit(slot.committable, true);
            } else {
                try {
                    slot.producer.commitTransaction();
                } catch (KafkaException e) {
                    throw commitFailed(slot.committable, e);
                }
            }
            precommitted.poll();
            release(slot);
        }
    }

    private IllegalStateException commitFailed(KafkaCommittable c, KafkaException e) {
        return new IllegalStateException("KafkaSink for topic '" + topic + "': committing transaction " + c + " failed"
                + (causedBy(e, ProducerFencedException.class) || causedBy(e, InvalidProducerEpochException.class)
                        || causedBy(e, InvalidTxnStateException.class)
                        ? " (fenced: another producer took the id, or the broker aborted the transaction after transaction.timeout.ms="
                                + producerConfig.getProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG) + ")"
                        : "")
                + ": " + e, e);
    }

    /**
     * Aborts the current transaction and closes every producer; pre-committed transactions stay open
     * on the broker (their producers are closed without a graceful shutdown, which would abort them).
     * Best effort: a failure to abort is logged, as the next start aborts what is left open.
     */
    @Override
    public void close() {
        boolean aborted = true;
        if (current != null) {
            try {
                current.producer.abortTransaction();
            } catch (RuntimeException e) {
                aborted = false;
                LOG.log(System.Logger.Level.WARNING, "KafkaSink for topic ''" + topic + "'': aborting transaction " + current.transactionalId
                        + " at close failed; the next start of the job aborts it, else it expires after transaction.timeout.ms", e);
            }
            current.busy = false;
            current = null;
        }
        for (Slot slot : slots) {
            if (slot.producer != null) {
                try {
                    slot.producer.close(slot.committable != null || !aborted ? Duration.ZERO : CLOSE_TIMEOUT);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "KafkaSink for topic ''" + topic + "'': closing the producer of "
                            + slot.transactionalId + " failed", e);
                }
                slot.producer = null;
            }
        }
    }

    /**
     * Test support: ends the writer as if its process died: every producer is closed at once, without
     * committing or aborting anything, so the transactions stay open on the broker.
     */
    void closeAbruptly() {
        for (Slot slot : slots) {
            if (slot.producer != null) {
                slot.producer.close(Duration.ZERO);
                slot.producer = null;
            }
        }
        current = null;
    }
}
