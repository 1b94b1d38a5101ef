package io.flowmesh.dispatcher.command;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.flowmesh.proto.Command;
import io.flowmesh.proto.CommandResult;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The wire formats of the command topics: a value is JSON (protobuf's JSON mapping) when its first
 * byte after ASCII whitespace is {@code '{'}, else protobuf's binary encoding. A result is written in
 * the format of the command it answers; JSON results print every field, on one line. Stateless.
 */
public final class CommandCodec {

    /** How a value was (or is to be) written. */
    public enum Format { JSON, PROTOBUF }

    /** A command read from the topic, with the format it came in. */
    public record Decoded(Command command, Format format) { }

    /** A value that is not a command: why, the format it seemed to be in, and the command id if one could be read. */
    public static final class MalformedCommandException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Format format;
        private final String commandId;

        MalformedCommandException(String message, Format format, String commandId) {
            super(message);
            this.format = format;
            this.commandId = commandId;
        }

        public Format format() {
            return format;
        }

        /** The command id read leniently from the value, or empty. */
        public String commandId() {
            return commandId;
        }
    }

    private static final JsonFormat.Parser STRICT = JsonFormat.parser();
    private static final JsonFormat.Parser LENIENT = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    private CommandCodec() {
    }

    public static Format formatOf(byte[] value) {
        if (value == null) {
            return Format.PROTOBUF;
        }
        for (byte b : value) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{' ? Format.JSON : Format.PROTOBUF;
        }
        return Format.PROTOBUF;
    }

    /** The command in {@code value}; throws naming the problem when it is not one. */
    public static Decoded decode(byte[] value) throws MalformedCommandException {
        if (value == null || value.length == 0) {
            throw new MalformedCommandException("the message has no value (expected a Command as JSON or protobuf)", Format.PROTOBUF, "");
        }
        Format format = formatOf(value);
        if (format == Format.JSON) {
            String text = new String(value, StandardCharsets.UTF_8);
            Command.Builder command = Command.newBuilder();
            try {
                STRICT.merge(text, command);
                return new Decoded(command.build(), format);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new MalformedCommandException("not a Command in protobuf's JSON mapping: " + e.getMessage(), format, lenientId(text));
            }
        }
        try {
            return new Decoded(Command.parseFrom(value), format);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommandException("not a Command in protobuf's binary encoding (nor JSON, which starts with '{'): "
                    + e.getMessage(), format, "");
        }
    }

    private static String lenientId(String text) {
        try {
            Command.Builder command = Command.newBuilder();
            LENIENT.merge(text, command);
            return command.getCommandId();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return "";
        }
    }

    public static byte[] encode(CommandResult result, Format format) {
        if (format == Format.JSON) {
            try {
                return PRINTER.print(result).getBytes(StandardCharsets.UTF_8);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot print a CommandResult as JSON", e);
            }
        }
        return result.toByteArray();
    }

    /** A result read back from the results topic, in either format; empty when it is not one. */
    public static Optional<CommandResult> decodeResult(byte[] value) {
        if (value == null || value.length == 0) {
            return Optional.empty();
        }
        try {
            if (formatOf(value) == Format.JSON) {
                CommandResult.Builder result = CommandResult.newBuilder();
                LENIENT.merge(new String(value, StandardCharsets.UTF_8), result);
                return Optional.of(result.build());
            }
            return Optional.of(CommandResult.parseFrom(value));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
