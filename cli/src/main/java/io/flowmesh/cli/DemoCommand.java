package io.flowmesh.cli;

import io.flowmesh.local.LocalCluster;
import io.flowmesh.local.LocalClusterException;
import io.flowmesh.local.LocalClusterOptions;
import io.flowmesh.local.LocalClusterState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flowmesh demo}: the shortest way to see Flowmesh work. Starts the local cluster unless it
 * runs, runs {@code examples/target/flowmesh-examples.jar} (its manifest's Main-Class, with
 * {@code --records N}) attached, then reads what the job added to the example's output topic
 * {@value #TOPIC} (read_committed; from the committed end before the job ran, the beginning for a
 * new topic, to the committed end after it finished) and prints what it found and where to look
 * next. The cluster stays up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Starts the local cluster (unless it runs), runs the example job on it, and reads its result "
                + "from Kafka. The cluster stays up afterwards."},
        footer = {"", "Examples:", "  ./flowmesh demo", "  ./flowmesh demo --records 1000000"})
final class DemoCommand implements Callable<Integer> {

    static final String TOPIC = "flowmesh-example-counts";
    static final String EXAMPLES_JAR = "examples/target/flowmesh-examples.jar";
    private static final Duration READ_LIMIT = Duration.ofSeconds(120);

    @ParentCommand
    FlowmeshCli cli;

    @Option(names = "--records", paramLabel = "<n>", defaultValue = "100000",
            description = "How many records the example's source produces.")
    long records;

    @Override
    public Integer call() {
        PrintStream out = cli.out;
        if (records < 1) {
            throw new CliException("--records must be >= 1, was " + records, 2);
        }
        Path home = cli.env.home();
        Path jar = home.resolve(EXAMPLES_JAR);
        if (!Files.isRegularFile(jar)) {
            throw new CliException("missing " + jar + ": build Flowmesh first with ./mvnw -DskipTests package (in "
                    + home + ")");
        }
        LocalClusterState cluster = ensureCluster(home, out);
        String entryClass = mainClass(jar).orElse(null);
        out.println();
        out.println("Running " + home.relativize(jar) + (entryClass == null ? "" : " (" + entryClass + ")")
                + " with --records " + records + " on the dispatcher at " + cluster.dispatcherAddress() + " ...");
        Map<TopicPartition, Long> before = endOffsets(cluster.kafkaBootstrap());
        JobRunner.Outcome outcome;
        try (DispatcherClient client = new DispatcherClient(cluster.dispatcherAddress())) {
            outcome = JobRunner.run(client, jar, entryClass, 0, List.of("--records", Long.toString(records)), false, out);
        }
        String id = outcome.jobId();
        if (outcome.exitCode() != 0) {
            out.println();
            nextSteps(out, cluster, id);
            return 1;
        }
        out.println();
        out.println("Reading what the job wrote to " + TOPIC + " at " + cluster.kafkaBootstrap()
                + " (read_committed) ...");
        Result result = readCounts(cluster.kafkaBootstrap(), before);
        out.println("  records read:  " + result.records());
        out.println("  keys:          " + result.maxByKey().size());
        out.println("  final counts:  " + result.firstTenKeys() + "   (the largest count per key; first 10 keys)");
        out.println("  topic:         " + TOPIC + " at " + cluster.kafkaBootstrap());
        out.println();
        nextSteps(out, cluster, id);
        if (result.records() == 0) {
            throw new CliException("the example job finished but " + TOPIC + " holds no committed records");
        }
        return 0;
    }

    private static void nextSteps(PrintStream out, LocalClusterState cluster, String jobId) {
        Map<String, String> steps = new java.util.LinkedHashMap<>();
        steps.put("./flowmesh list --all", "every job, with its status");
        steps.put("./flowmesh events " + jobId, "the job's lifecycle, as the cluster recorded it");
        steps.put("./flowmesh info " + jobId, "its vertices, subtasks and TaskManagers");
        steps.put(cluster.logsDir().toString(), "the processes' logs");
        steps.put("./flowmesh local down", "stop the local cluster");
        int width = steps.keySet().stream().mapToInt(String::length).max().orElse(0);
        out.println("Where to look next:");
        steps.forEach((command, what) -> out.println("  " + String.format("%-" + width + "s", command) + "   " + what));
    }

    private LocalClusterState ensureCluster(Path home, PrintStream out) {
        Path runDir = cli.env.localRunDir();
        Optional<LocalClusterState> running = LocalCluster.status(runDir).filter(s -> s.deadProcesses().isEmpty());
        if (running.isPresent() && running.get().process("dispatcher").isPresent()) {
            out.println("Using the local cluster running in " + runDir + ".");
            return running.get();
        }
        try {
            return LocalCluster.up(LocalClusterOptions.defaults(home), out);
        } catch (LocalClusterException e) {
            throw new CliException("could not start the local cluster: " + e.getMessage());
        }
    }

    static Optional<String> mainClass(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return Optional.ofNullable(manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class"))
                    .map(String::strip).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            throw new CliException("cannot read " + jar + ": " + e.getMessage());
        }
    }

    /** What the output topic held: record count and the largest count seen per key. */
    record Result(long records, Map<String, Long> maxByKey) {

        /** {@code 0=10000 1=10000 ...}: the first ten keys, numbers in numeric order. */
        String firstTenKeys() {
            if (maxByKey.isEmpty()) {
                return "-";
            }
            return maxByKey.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey(KEY_ORDER)).limit(10)
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))
                    + (maxByKey.size() > 10 ? " ..." : "");
        }
    }

    static final Comparator<String> KEY_ORDER = Comparator.<String, Boolean>comparing(k -> !k.matches("-?\\d{1,18}"))
            .thenComparing(k -> k.matches("-?\\d{1,18}") ? Long.parseLong(k) : 0L)
            .thenComparing(Comparator.naturalOrder());

    /** A consumer of the output topic: bytes, read_committed, no group, never creating the topic. */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowmesh-demo");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return new KafkaConsumer<>(p);
    }

    /**
     * Where the committed part of {@value #TOPIC} ends now, per partition (empty when the topic
     * does not exist): the demo reads only what its own job adds after this.
     */
    static Map<TopicPartition, Long> endOffsets(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = partitions(consumer);
            return partitions.isEmpty() ? Map.of() : consumer.endOffsets(partitions);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CliException("could not read " + TOPIC + " from " + bootstrap + ": " + e.getMessage());
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(TOPIC, Duration.ofSeconds(15));
        return infos == null ? List.of()
                : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    /**
     * Reads the committed records of {@value #TOPIC} from {@code from} (the beginning for a
     * partition not in it) up to the committed end as it is now, or for at most {@link #READ_LIMIT}.
     */
    static Result readCounts(String bootstrap, Map<TopicPartition, Long> from) {
        Map<String, Long> maxByKey = new TreeMap<>();
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = partitions(consumer);
            if (partitions.isEmpty()) {
                throw new CliException("the topic " + TOPIC + " does not exist at " + bootstrap);
            }
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                if (from.containsKey(tp)) {
                    consumer.seek(tp, from.get(tp));
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    count++;
                    String key = r.key() == null ? "(null)" : new String(r.key(), StandardCharsets.UTF_8);
                    Long value = decodeCount(r.value());
                    if (value != null) {
                        maxByKey.merge(key, value, Math::max);
                    } else {
                        maxByKey.putIfAbsent(key, 0L);
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CliException("could not read " + TOPIC + " from " + bootstrap + ": " + e.getMessage());
        }
        return new Result(count, maxByKey);
    }

    private static final Pattern LAST_NUMBER = Pattern.compile("(-?\\d{1,18})(?!.*\\d)", Pattern.DOTALL);

    /**
     * A count from a record value: UTF-8 text whose last number is the count ({@code 1234},
     * {@code 3,1234}, {@code {"key":"3","count":1234}}), else a big-endian long or int.
     */
    static Long decodeCount(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        String text = new String(value, StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' || c == '\r');
        if (printable) {
            Matcher m = LAST_NUMBER.matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : null;
        }
        if (value.length == Long.BYTES) {
            return ByteBuffer.wrap(value).getLong();
        }
        if (value.length == Integer.BYTES) {
            return (long) ByteBuffer.wrap(value).getInt();
        }
        return null;
    }
}
