package io.flowmesh.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowmesh.engine.exchange.KeyGroupRangeAssignment;
import io.flowmesh.engine.serialization.DynamicSerializer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateFileFormatTest {
    private static final ClassLoader LOADER = StateFileFormatTest.class.getClassLoader();
    private static final int MAX_PARALLELISM = 128;

    /** What a restore read: "op:<value>" and "<component>:<key>=<fields>", in file order. */
    private static List<String> read(byte[] file, int keyGroupStart, int keyGroupEnd) throws IOException {
        List<String> seen = new ArrayList<>();
        StateFileFormat.read("s3://b/f", file, LOADER, Map.of(), keyGroupStart, keyGroupEnd, new StateFileFormat.RestoreTarget() {
            @Override
            public void operatorState(Object entry) {
                seen.add("op:" + entry);
            }

            @Override
            public void keyed(String component, Object key, Object[] fields) {
                seen.add(component + ":" + key + "=" + Arrays.toString(fields));
            }
        });
        return seen;
    }

    @Test
    void eachEntryNamesItsComponentByIndexIntoATableWrittenOnce() throws IOException {
        StateFileFormat.Writer w = new StateFileFormat.Writer(new DynamicSerializer(LOADER), MAX_PARALLELISM);
        w.addKeyed("timers", out -> out.entry(7L, 1000L, Boolean.TRUE));
        byte[] file = w.toBytes();
        int kg = KeyGroupRangeAssignment.assignToKeyGroup(7L, MAX_PARALLELISM);
        // an independent transcription of the documented layout
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.writeInt(0x464d5354);
        out.writeByte(2);
        out.writeInt(0); // no class definitions
        out.writeInt(1); // one component
        out.writeInt(6);
        out.write("timers".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(0); // no operator state
        out.writeInt(1); // one key group
        out.writeInt(kg);
        out.writeInt(1);
        out.writeInt(2 + 9 + 1 + 9 + 2);
        out.writeShort(0); // component 0
        out.writeByte(1); // LONG
        out.writeLong(7);
        out.writeByte(2); // two fields
        out.writeByte(1);
        out.writeLong(1000);
        out.writeByte(5); // BOOLEAN
        out.writeBoolean(true);
        assertThat(file).containsExactly(expected.toByteArray());
        assertThat(read(file, 0, MAX_PARALLELISM - 1)).containsExactly("timers:7=[1000, true]");
    }

    @Test
    void componentsOperatorStateAndKeyGroupsRoundTripAndARestoreReadsOnlyItsKeyGroups() throws IOException {
        StateFileFormat.Writer w = new StateFileFormat.Writer(new DynamicSerializer(LOADER), MAX_PARALLELISM);
        w.addOperatorState(List.of("position-3"));
        w.addKeyed("windows", out -> {
            out.entry(1L, "a", 10L);
            out.entry(2L, "b", 20L);
        });
        w.addKeyed("timers", out -> out.entry(1L, 999L));
        w.addKeyed("windows", out -> out.entry(3L, "c", 30L)); // a component met again keeps its index
        byte[] file = w.toBytes();

        List<String> all = read(file, 0, MAX_PARALLELISM - 1);
        assertThat(all).containsExactlyInAnyOrder("op:position-3", "windows:1=[a, 10]", "windows:2=[b, 20]", "timers:1=[999]",
                "windows:3=[c, 30]");
        int kg2 = KeyGroupRangeAssignment.assignToKeyGroup(2L, MAX_PARALLELISM);
        Map<String, Long> keyOf = Map.of("windows:1=[a, 10]", 1L, "windows:2=[b, 20]", 2L, "timers:1=[999]", 1L, "windows:3=[c, 30]", 3L);
        List<String> expected = new ArrayList<>(List.of("op:position-3"));
        keyOf.forEach((entry, key) -> {
            if (KeyGroupRangeAssignment.assignToKeyGroup(key, MAX_PARALLELISM) == kg2) {
                expected.add(entry);
            }
        });
        assertThat(read(file, kg2, kg2)).containsExactlyInAnyOrderElementsOf(expected).contains("windows:2=[b, 20]");
    }

    @Test
    void aVersionOneFileWithTheComponentNamedInEveryEntryStillReads() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x464d5354);
        out.writeByte(1);
        out.writeInt(0); // no class definitions
        out.writeInt(0); // no operator state
        out.writeInt(1);
        out.writeInt(5); // key group 5
        out.writeInt(2);
        out.writeInt(2 * (4 + 6 + 5 + 1 + 9));
        for (int key : new int[] {11, 12}) {
            out.writeInt(6);
            out.write("timers".getBytes(StandardCharsets.US_ASCII));
            out.writeByte(2); // INT
            out.writeInt(key);
            out.writeByte(1);
            out.writeByte(1); // LONG
            out.writeLong(key * 100L);
        }
        assertThat(read(bytes.toByteArray(), 0, 10)).containsExactly("timers:11=[1100]", "timers:12=[1200]");
        assertThat(read(bytes.toByteArray(), 6, 10)).isEmpty();
    }

    @Test
    void anUnknownVersionIsRefusedNamingTheFile() {
        byte[] file = {0x46, 0x4d, 0x53, 0x54, 3, 0, 0, 0, 0};
        assertThatThrownBy(() -> read(file, 0, 127)).isInstanceOf(IOException.class)
                .hasMessageContaining("s3://b/f has state file version 3").hasMessageContaining("reads versions 1 and 2");
    }
}
