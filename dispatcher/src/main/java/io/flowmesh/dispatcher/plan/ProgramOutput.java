package io.flowmesh.dispatcher.plan;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Captures what a program's main prints while its plan is extracted, per thread: System.out and
 * System.err are replaced once by streams that write to a thread's capture buffer when one is
 * registered for it, and to the original stream otherwise.
 */
final class ProgramOutput {
    private static final ConcurrentHashMap<Thread, ByteArrayOutputStream> CAPTURES = new ConcurrentHashMap<>();
    private static volatile boolean installed;

    private ProgramOutput() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        System.setOut(new PrintStream(new Router(System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(System.err), true, StandardCharsets.UTF_8));
        installed = true;
    }

    static void capture(Thread t) {
        CAPTURES.put(t, new ByteArrayOutputStream());
    }

    /** Stops capturing for the thread and returns what it printed (at most 64 KiB). */
    static String release(Thread t) {
        ByteArrayOutputStream b = CAPTURES.remove(t);
        if (b == null) {
            return "";
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.length() > 65536 ? s.substring(0, 65536) + "\n[... output truncated]" : s;
    }

    private static final class Router extends OutputStream {
        private final PrintStream original;

        Router(PrintStream original) {
            this.original = original;
        }

        private OutputStream target() {
            ByteArrayOutputStream b = CAPTURES.get(Thread.currentThread());
            return b != null ? b : original;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            OutputStream t = target();
            synchronized (t) {
                t.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            OutputStream t = target();
            synchronized (t) {
                t.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
