package io.flowmesh.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Waiting for a just-spawned process to become ready, polling every 200 ms on the caller's
 * thread: a line in its log, or an HTTP answer. The wait ends early, with a {@link NotReady}, when
 * the process exits.
 */
final class Readiness {

    private static final long POLL_MILLIS = 200;

    /** One poll of a readiness condition. */
    interface Probe {
        boolean ready() throws IOException;
    }

    /** Why a process did not become ready; {@link LocalCluster} turns it into a user message. */
    static final class NotReady extends Exception {
        private static final long serialVersionUID = 1L;

        NotReady(String message) {
            super(message);
        }
    }

    private Readiness() {
    }

    /** Polls {@code probe} until it says ready; returns the seconds it took. */
    static double await(Process process, Duration timeout, String condition, Probe probe) throws NotReady {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            boolean ready;
            try {
                ready = probe.ready();
            } catch (IOException e) {
                ready = false;
            }
            if (ready) {
                return (System.nanoTime() - start) / 1e9;
            }
            if (!process.isAlive()) {
                throw new NotReady("exited with code " + process.exitValue() + " before " + condition);
            }
            if (System.nanoTime() > deadline) {
                throw new NotReady("not ready within " + timeout.toSeconds() + " s (waited for " + condition + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotReady("interrupted while waiting for " + condition);
            }
        }
    }

    /** A probe that is ready once {@code needle} appears in the log, reading only what is new. */
    static Probe logContains(Path log, String needle) {
        return new Probe() {
            private long offset;
            private String carry = "";

            @Override
            public boolean ready() throws IOException {
                if (!Files.exists(log)) {
                    return false;
                }
                try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                    long length = file.length();
                    if (length <= offset) {
                        return false;
                    }
                    byte[] bytes = new byte[(int) Math.min(length - offset, 8 << 20)];
                    file.seek(offset);
                    file.readFully(bytes);
                    offset += bytes.length;
                    String text = carry + new String(bytes, StandardCharsets.UTF_8);
                    if (text.contains(needle)) {
                        return true;
                    }
                    carry = text.substring(Math.max(0, text.length() - needle.length()));
                    return false;
                }
            }
        };
    }

    /** A probe that is ready once {@code url} answers with a status in {@code accepted} (any, if empty). */
    static Probe httpAnswers(String url, List<Integer> accepted) {
        return () -> {
            int status = httpStatus(url);
            return status > 0 && (accepted.isEmpty() || accepted.contains(status));
        };
    }

    /** The status of a GET, or -1 when nothing answers. */
    static int httpStatus(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            c.setRequestMethod("GET");
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** The last {@code n} lines of a log (from its last 256 KiB), for an error report; empty if unreadable. */
    static List<String> tail(Path log, int n) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            byte[] bytes = new byte[(int) Math.min(length, 256 * 1024)];
            file.seek(length - bytes.length);
            file.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
