package io.flowmesh.engine.serialization;

import java.nio.charset.StandardCharsets;

/** Reads what {@link DataOutputSerializer} wrote, from a byte array region. Not thread-safe; reusable via {@link #setBuffer}. */
public final class DataInputDeserializer implements java.io.DataInput {
    private byte[] buffer;
    private int position;
    private int limit;

    public DataInputDeserializer() {
        this(new byte[0], 0, 0);
    }

    public DataInputDeserializer(byte[] buffer, int offset, int length) {
        setBuffer(buffer, offset, length);
    }

    public void setBuffer(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
    }

    public boolean available() {
        return position < limit;
    }

    public int position() {
        return position;
    }

    private void check(int n) {
        if (position + n > limit) {
            throw new IllegalStateException("corrupt buffer: read of " + n + " bytes past its end (position " + position + ", limit " + limit + ")");
        }
    }

    @Override
    public void readFully(byte[] b) {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) {
        check(len);
        System.arraycopy(buffer, position, b, off, len);
        position += len;
    }

    @Override
    public int skipBytes(int n) {
        int skipped = Math.min(n, limit - position);
        position += skipped;
        return skipped;
    }

    @Override
    public int readUnsignedByte() {
        return readByte() & 0xff;
    }

    @Override
    public int readUnsignedShort() {
        return readShort() & 0xffff;
    }

    @Override
    public char readChar() {
        return (char) readShort();
    }

    @Override
    public String readLine() {
        throw new UnsupportedOperationException("readLine");
    }

    @Override
    public String readUTF() {
        return readString();
    }

    @Override
    public byte readByte() {
        check(1);
        return buffer[position++];
    }

    @Override
    public boolean readBoolean() {
        return readByte() != 0;
    }

    @Override
    public short readShort() {
        check(2);
        int v = ((buffer[position] & 0xff) << 8) | (buffer[position + 1] & 0xff);
        position += 2;
        return (short) v;
    }

    @Override
    public int readInt() {
        check(4);
        byte[] b = buffer;
        int p = position;
        position = p + 4;
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    @Override
    public long readLong() {
        check(8);
        byte[] b = buffer;
        int p = position;
        position = p + 8;
        return ((long) (b[p] & 0xff) << 56) | ((long) (b[p + 1] & 0xff) << 48) | ((long) (b[p + 2] & 0xff) << 40)
                | ((long) (b[p + 3] & 0xff) << 32) | ((long) (b[p + 4] & 0xff) << 24) | ((b[p + 5] & 0xff) << 16)
                | ((b[p + 6] & 0xff) << 8) | (b[p + 7] & 0xff);
    }

    @Override
    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    @Override
    public float readFloat() {
        return Float.intBitsToFloat(readInt());
    }

    public byte[] readBytes(int n) {
        check(n);
        byte[] out = new byte[n];
        System.arraycopy(buffer, position, out, 0, n);
        position += n;
        return out;
    }

    public String readString() {
        int n = readInt();
        check(n);
        String s = new String(buffer, position, n, StandardCharsets.UTF_8);
        position += n;
        return s;
    }
}
