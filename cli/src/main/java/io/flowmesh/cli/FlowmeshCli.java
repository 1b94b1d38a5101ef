package io.flowmesh.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.ZoneId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code flowmesh}: the command line of Flowmesh, with Apache Flink's verbs.
 *
 * <p>Exit codes: 0 success; 1 the job failed or the operation was refused (one line
 * {@code Error: <what failed>: <why>} on stderr); 2 usage errors. Every verb has {@code --help}
 * with examples and {@code --output json} ({@code --json}). The dispatcher's bearer token, if it
 * has one, comes from {@code $FLOWMESH_TOKEN}.
 * The dispatcher is found by {@link CliEnvironment#dispatcher}. Commands run on the calling
 * thread and print to the streams given to {@link #execute}, so tests run them in-process.
 */
@Command(name = "flowmesh", mixinStandardHelpOptions = true, versionProvider = FlowmeshCli.Version.class,
        description = "Runs and inspects Flowmesh jobs; starts a local cluster.",
        subcommands = {RunCommand.class, ListCommand.class, InfoCommand.class, CancelCommand.class,
                SavepointCommand.class, StopCommand.class, CheckpointsCommand.class, EventsCommand.class, WatchCommand.class,
                OverviewCommand.class, LocalCommand.class, DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  ./flowmesh demo                    local cluster + the example job",
                "  ./flowmesh run -p 2 my-job.jar     run a job jar, wait for its end",
                "  ./flowmesh list --all              every job the cluster knows",
                "  ./flowmesh list -o json            the same as JSON, for scripts",
                "  ./flowmesh watch <job-id>          follow a job's events until it ends",
                "  ./flowmesh stop <job-id>           stop a job with a savepoint",
                "  ./flowmesh run -s <path> a.jar    resume a job from a savepoint",
                "  ./flowmesh local down              stop the local cluster",
                "",
                "Exit codes: 0 ok; 1 the job failed or the operation was refused; 2 usage error.",
                "Environment: FLOWMESH_DISPATCHER (host:port, or several comma-separated), FLOWMESH_TOKEN (the dispatcher's bearer token)."})
public final class FlowmeshCli implements Runnable {

    @Option(names = "--dispatcher", paramLabel = "<host:port[,host:port...]>", scope = ScopeType.INHERIT,
            description = "The dispatcher's gRPC address; with high availability several, comma-separated (calls fail over "
                    + "to the leader). Default: $FLOWMESH_DISPATCHER, else the local cluster's, else "
                    + CliEnvironment.DEFAULT_DISPATCHER + ".")
    String dispatcherOption;

    @Spec
    CommandSpec spec;

    final CliEnvironment env;
    final PrintStream out;
    final PrintStream err;
    final ZoneId zone = ZoneId.systemDefault();

    FlowmeshCli(CliEnvironment env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = execute(CliEnvironment.system(), System.out, System.err, args);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code; nothing is read from or written to System.*. */
    public static int execute(CliEnvironment env, PrintStream out, PrintStream err, String... args) {
        FlowmeshCli cli = new FlowmeshCli(env, out, err);
        CommandLine commandLine = new CommandLine(cli);
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        commandLine.setOut(outWriter);
        commandLine.setErr(errWriter);
        // `run <jar> --records 10`: everything after the jar belongs to the job
        commandLine.getSubcommands().get("run").setStopAtPositional(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof CliException c) {
                err.println("Error: " + c.getMessage());
                return c.exitCode();
            }
            err.println("Error: " + e);
            return 1;
        });
        int code = commandLine.execute(args);
        outWriter.flush();
        errWriter.flush();
        out.flush();
        err.flush();
        return code;
    }

    /** The dispatcher address this invocation talks to. */
    String dispatcher() {
        return env.dispatcher(dispatcherOption);
    }

    DispatcherClient client() {
        return new DispatcherClient(dispatcher(), env.token());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: one of run, list, info, "
                + "cancel, savepoint, stop, checkpoints, events, watch, overview, local, demo, bench");
    }

    /** The jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FlowmeshCli.class.getPackage().getImplementationVersion();
            return new String[] {"flowmesh " + (v == null ? "(development build)" : v)};
        }
    }
}
