package io.flowmesh.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRDs under {@code k8s/crds/} are generated from the Java model and checked in; this test fails
 * when they differ from what the model generates now. Regenerate them with
 * {@code ./mvnw -pl operator test -Dtest=CrdsAreUpToDateTest -Dflowmesh.crds.write=true}.
 */
class CrdsAreUpToDateTest {
    static final Path CHECKED_IN = Path.of("..", "k8s", "crds");

    @Test
    void checkedInCrdsEqualTheGeneratedOnes(@TempDir Path out) throws IOException {
        Map<String, String> generated = generate(out);
        assertThat(generated.keySet())
                .containsExactlyInAnyOrder("flinkdeployments.flowmesh.io-v1.yml", "flinksessionjobs.flowmesh.io-v1.yml");
        if (Boolean.getBoolean("flowmesh.crds.write")) {
            Files.createDirectories(CHECKED_IN);
            for (var e : generated.entrySet()) {
                Files.writeString(CHECKED_IN.resolve(e.getKey()), e.getValue());
            }
        }
        for (var e : generated.entrySet()) {
            Path file = CHECKED_IN.resolve(e.getKey());
            assertThat(file).as("checked-in CRD %s (regenerate: see the class javadoc)", file).exists();
            assertThat(Files.readString(file))
                    .as("%s differs from the CRD generated from the Java model; regenerate it (see the class javadoc)", file)
                    .isEqualTo(e.getValue());
        }
    }

    static Map<String, String> generate(Path out) throws IOException {
        new CRDGenerator()
                .inOutputDir(out.toFile())
                .forCRDVersions("v1")
                .customResourceClasses(FlinkDeployment.class, FlinkSessionJob.class)
                .generate();
        try (Stream<Path> files = Files.list(out)) {
            List<Path> list = files.collect(Collectors.toList());
            return list.stream().collect(Collectors.toMap(p -> p.getFileName().toString(), p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
    }
}
