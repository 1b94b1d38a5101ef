package io.flowmesh.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --output text|json} option every verb mixes in ({@code --json} is the same as
 * {@code --output json}). With JSON, stdout carries only the JSON document (one per line for
 * streams); errors stay one line {@code Error: ...} on stderr.
 */
final class OutputOptions {

    /** What stdout carries. */
    enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "<format>", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Format format = Format.text;

    @Option(names = "--json", description = "Same as --output json.")
    boolean json;

    boolean isJson() {
        return json || format == Format.json;
    }
}
