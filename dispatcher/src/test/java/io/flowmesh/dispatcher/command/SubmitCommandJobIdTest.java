package io.flowmesh.dispatcher.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A submit command's job id comes from its command id, so that a command executed again after a
 * dispatcher failover resumes its job instead of starting a second one.
 */
class SubmitCommandJobIdTest {
    @Test
    void theJobIdIsTheNameBasedUuidOfTheCommandId() {
        String expected = UUID.nameUUIDFromBytes("flowmesh-command:cmd-42".getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
        assertThat(CommandExecutor.jobIdOf("cmd-42")).isEqualTo(expected).matches("[0-9a-f]{32}");
        assertThat(CommandExecutor.jobIdOf("cmd-42")).as("the same command, executed again").isEqualTo(CommandExecutor.jobIdOf("cmd-42"));
        assertThat(CommandExecutor.jobIdOf("cmd-43")).isNotEqualTo(CommandExecutor.jobIdOf("cmd-42"));
    }
}
