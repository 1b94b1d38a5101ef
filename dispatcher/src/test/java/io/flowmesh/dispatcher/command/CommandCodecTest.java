package io.flowmesh.dispatcher.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.dispatcher.command.CommandCodec.Format;
import io.flowmesh.dispatcher.command.CommandCodec.MalformedCommandException;
import io.flowmesh.proto.Command;
import io.flowmesh.proto.CommandResult;
import io.flowmesh.proto.JobIdCommand;
import io.flowmesh.proto.StopJobCommand;
import org.junit.jupiter.api.Test;

/** The command topic's two formats, read and written. */
class CommandCodecTest {

    @Test
    void jsonInProtobufsMappingIsReadWithEitherFieldSpelling() throws Exception {
        Command expected = Command.newBuilder().setCommandId("c-1").setStop(StopJobCommand.newBuilder().setJobId("j").setDrain(true)).build();
        var camel = CommandCodec.decode("  \n{\"commandId\":\"c-1\",\"stop\":{\"jobId\":\"j\",\"drain\":true}}".getBytes(UTF_8));
        assertThat(camel.format()).isEqualTo(Format.JSON);
        assertThat(camel.command()).isEqualTo(expected);
        var snake = CommandCodec.decode("{\"command_id\":\"c-1\",\"stop\":{\"job_id\":\"j\",\"drain\":true}}".getBytes(UTF_8));
        assertThat(snake.command()).isEqualTo(expected);
    }

    @Test
    void protobufBytesAreReadAsProtobuf() throws Exception {
        Command command = Command.newBuilder().setCommandId("c-2").setCancel(JobIdCommand.newBuilder().setJobId("j")).build();
        var decoded = CommandCodec.decode(command.toByteArray());
        assertThat(decoded.format()).isEqualTo(Format.PROTOBUF);
        assertThat(decoded.command()).isEqualTo(command);
    }

    @Test
    void malformedValuesNameTheProblemAndKeepTheIdWhenOneIsReadable() {
        assertThatThrownBy(() -> CommandCodec.decode("{\"commandId\":\"c-3\",\"restart\":{}}".getBytes(UTF_8)))
                .isInstanceOfSatisfying(MalformedCommandException.class, e -> {
                    assertThat(e.format()).isEqualTo(Format.JSON);
                    assertThat(e.commandId()).isEqualTo("c-3");
                    assertThat(e.getMessage()).startsWith("not a Command in protobuf's JSON mapping").contains("restart");
                });
        assertThatThrownBy(() -> CommandCodec.decode("{\"commandId\": ".getBytes(UTF_8)))
                .isInstanceOfSatisfying(MalformedCommandException.class, e -> assertThat(e.commandId()).isEmpty());
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {7, 7, 7}))
                .isInstanceOfSatisfying(MalformedCommandException.class, e -> {
                    assertThat(e.format()).isEqualTo(Format.PROTOBUF);
                    assertThat(e.getMessage()).startsWith("not a Command in protobuf's binary encoding");
                });
        assertThatThrownBy(() -> CommandCodec.decode(new byte[0]))
                .isInstanceOfSatisfying(MalformedCommandException.class, e -> assertThat(e.getMessage()).contains("no value"));
    }

    @Test
    void resultsAreWrittenInTheCommandsFormatAndReadBack() {
        CommandResult result = CommandResult.newBuilder().setCommandId("c-4").setOk(false).setOperation("cancel")
                .setErrorCode("NOT_FOUND").setError("no job with id 'x'").build();
        String json = new String(CommandCodec.encode(result, Format.JSON), UTF_8);
        // one line, every field printed (also ok=false and the zeros)
        assertThat(json).doesNotContain("\n").startsWith("{\"commandId\":\"c-4\",\"ok\":false,").contains("\"duplicate\":false")
                .contains("\"checkpointId\":\"0\"");
        assertThat(CommandCodec.decodeResult(json.getBytes(UTF_8))).contains(result);
        assertThat(CommandCodec.decodeResult(CommandCodec.encode(result, Format.PROTOBUF))).contains(result);
        assertThat(CommandCodec.decodeResult("not a result".getBytes(UTF_8))).isEmpty();
    }
}
