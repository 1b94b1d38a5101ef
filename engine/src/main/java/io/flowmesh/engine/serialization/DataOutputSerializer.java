package io.flowmesh.engine.serialization;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte sink, reused across records by its owner (one per writing thread; not
 * thread-safe). {@link #clear()} rewinds it without freeing the array.
 */
public final class DataOutputSerializer implements java.io.DataOutput {
    private byte[] buffer;
    private int position;

    public DataOutputSerializer(int initialSize) {
        this.buffer = new byte[Math.max(16, initialSize)];
    }

    public void clear() {
        position = 0;
    }

    public int length() {
        return position;
    }

    /** The backing array; valid up to {@link #length()} until the next write. */
    public byte[] array() {
        return buffer;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, position);
    }

    private void ensure(int extra) {
        if (position + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + extra));
        }
    }

    @Override
    public void write(int b) {
        writeByte(b);
    }

    @Override
    public void write(byte[] b) {
        writeBytes(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        writeBytes(b, off, len);
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeByte(s.charAt(i));
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeShort(s.charAt(i));
        }
    }

    @Override
    public void writeUTF(String s) {
        writeString(s);
    }

    @Override
    public void writeByte(int b) {
        ensure(1);
        buffer[position++] = (byte) b;
    }

    @Override
    public void writeBoolean(boolean b) {
        writeByte(b ? 1 : 0);
    }

    @Override
    public void writeShort(int v) {
        ensure(2);
        buffer[position++] = (byte) (v >>> 8);
        buffer[position++] = (byte) v;
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        byte[] b = buffer;
        int p = position;
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        position = p + 4;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        byte[] b = buffer;
        int p = position;
        b[p] = (byte) (v >>> 56);
        b[p + 1] = (byte) (v >>> 48);
        b[p + 2] = (byte) (v >>> 40);
        b[p + 3] = (byte) (v >>> 32);
        b[p + 4] = (byte) (v >>> 24);
        b[p + 5] = (byte) (v >>> 16);
        b[p + 6] = (byte) (v >>> 8);
        b[p + 7] = (byte) v;
        position = p + 8;
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToRawLongBits(v));
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToRawIntBits(v));
    }

    public void writeBytes(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, buffer, position, length);
        position += length;
    }

    /** Length-prefixed UTF-8, with a copy-free fast path for ASCII. */
    public void writeString(String s) {
        int n = s.length();
        ensure(4 + n);
        int start = position;
        position += 4;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                position = start;
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                writeInt(utf8.length);
                writeBytes(utf8, 0, utf8.length);
                return;
            }
            buffer[position++] = (byte) c;
        }
        int p = position;
        position = start;
        writeInt(n);
        position = p;
    }
}
