package io.flowmesh.dispatcher.command;

import io.flowmesh.dispatcher.JobControl;
import io.flowmesh.dispatcher.JobSubmitter;
import io.flowmesh.dispatcher.checkpoint.CheckpointControl;
import io.flowmesh.proto.CheckpointType;
import io.flowmesh.proto.Command;
import io.flowmesh.proto.CommandResult;
import io.flowmesh.proto.SubmitJobCommand;
import io.flowmesh.proto.SubmitJobRequest;
import io.flowmesh.proto.TriggerSavepointRequest;
import io.flowmesh.proto.TriggerSavepointResponse;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Executes one command with the same code paths and refusals as the gRPC API ({@link JobSubmitter},
 * {@link JobControl}, {@link CheckpointControl}) and turns the outcome into a {@link CommandResult}:
 * a refusal carries the gRPC status code name and the description that names the problem. Stop and
 * savepoint return once the savepoint is triggered, with its id and location. Never throws.
 */
@Singleton
public class CommandExecutor {
    private static final Logger LOG = Logger.getLogger(CommandExecutor.class);

    @Inject
    JobSubmitter submitter;

    @Inject
    JobControl jobControl;

    @Inject
    CheckpointControl checkpoints;

    /** submit, cancel, stop, savepoint; {@code unknown} without an operation this version knows. */
    static String operation(Command command) {
        return switch (command.getCommandCase()) {
            case SUBMIT -> "submit";
            case CANCEL -> "cancel";
            case STOP -> "stop";
            case SAVEPOINT -> "savepoint";
            default -> "unknown";
        };
    }

    /**
     * The job id of a submit command: derived from its command id (a name-based UUID), so that a
     * command executed again — after the dispatcher died between running it and writing its result —
     * resumes the same job instead of starting a second one ({@link JobSubmitter}).
     */
    static String jobIdOf(String commandId) {
        return java.util.UUID.nameUUIDFromBytes(("flowmesh-command:" + commandId).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString().replace("-", "");
    }

    static CommandResult error(String commandId, String operation, String code, String message) {
        return CommandResult.newBuilder().setCommandId(commandId).setOperation(operation).setOk(false).setErrorCode(code)
                .setError(message).setTimestampMs(System.currentTimeMillis()).build();
    }

    CommandResult execute(Command command) {
        String operation = operation(command);
        CommandResult.Builder result = CommandResult.newBuilder().setCommandId(command.getCommandId()).setOperation(operation);
        try {
            switch (command.getCommandCase()) {
                case SUBMIT -> {
                    SubmitJobCommand s = command.getSubmit();
                    result.setJobId(submitter.submit(SubmitJobRequest.newBuilder().setJobId(jobIdOf(command.getCommandId()))
                            .setArtifactUri(s.getArtifactUri())
                            .setEntryClass(s.getEntryClass()).addAllArgs(s.getArgsList()).setParallelism(s.getParallelism())
                            .putAllConfiguration(s.getConfigurationMap()).setSavepointPath(s.getSavepointPath())
                            .setAllowNonRestoredState(s.getAllowNonRestoredState()).build()).getJobId());
                }
                case CANCEL -> {
                    result.setJobId(command.getCancel().getJobId());
                    jobControl.cancel(command.getCancel().getJobId());
                }
                case STOP -> {
                    result.setJobId(command.getStop().getJobId());
                    TriggerSavepointResponse r = checkpoints.stopJob(TriggerSavepointRequest.newBuilder().setJobId(command.getStop().getJobId())
                            .setTargetDirectory(command.getStop().getTargetDirectory())
                            .setType(command.getStop().getDrain() ? CheckpointType.SAVEPOINT_STOP_DRAIN : CheckpointType.SAVEPOINT_STOP).build());
                    result.setCheckpointId(r.getCheckpointId()).setSavepointLocation(r.getLocation());
                }
                case SAVEPOINT -> {
                    result.setJobId(command.getSavepoint().getJobId());
                    TriggerSavepointResponse r = checkpoints.triggerSavepoint(TriggerSavepointRequest.newBuilder()
                            .setJobId(command.getSavepoint().getJobId()).setTargetDirectory(command.getSavepoint().getTargetDirectory())
                            .setType(CheckpointType.SAVEPOINT).build());
                    result.setCheckpointId(r.getCheckpointId()).setSavepointLocation(r.getLocation());
                }
                default -> {
                    String unknownFields = command.getUnknownFields().asMap().keySet().toString();
                    return error(command.getCommandId(), operation, "INVALID_ARGUMENT", "command '" + command.getCommandId()
                            + "' has no operation: set one of submit, cancel, stop, savepoint"
                            + (command.getUnknownFields().asMap().isEmpty() ? "" : " (it has fields this dispatcher does not know, numbers "
                                    + unknownFields + ": an operation of a newer version?)"));
                }
            }
            return result.setOk(true).setTimestampMs(System.currentTimeMillis()).build();
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            return result.setOk(false).setErrorCode(e.getStatus().getCode().name())
                    .setError(description == null || description.isBlank() ? e.getStatus().getCode().name() : description)
                    .setTimestampMs(System.currentTimeMillis()).build();
        } catch (RuntimeException e) {
            LOG.errorf(e, "command %s (%s) failed unexpectedly", command.getCommandId(), operation);
            return result.setOk(false).setErrorCode("INTERNAL").setError(e.toString()).setTimestampMs(System.currentTimeMillis()).build();
        }
    }
}
