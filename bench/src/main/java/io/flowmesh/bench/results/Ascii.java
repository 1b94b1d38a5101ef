package io.flowmesh.bench.results;

/** Non-negative longs as ASCII decimal bytes, W4/W5's Kafka key and value format, without a String per record. */
public final class Ascii {
    private Ascii() {
    }

    public static byte[] bytes(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative: " + v);
        }
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        byte[] b = new byte[digits];
        for (int i = digits - 1; i >= 0; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return b;
    }

    /** @throws NumberFormatException naming the bytes when they are not ASCII digits */
    public static long parseLong(byte[] b) {
        if (b == null || b.length == 0 || b.length > 18) {
            throw new NumberFormatException("not an ASCII decimal: " + (b == null ? "null" : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)));
        }
        long v = 0;
        for (byte c : b) {
            if (c < '0' || c > '9') {
                throw new NumberFormatException("not an ASCII decimal: " + new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
