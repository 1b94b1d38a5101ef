package io.flowmesh.engine.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TaskSettingsTest {

    @Test
    void smallStateIsInlinedUpTo20KibUnlessTheJobSaysOtherwise() {
        assertThat(TaskSettings.DEFAULTS.inlineStateThresholdBytes()).isEqualTo(20_480);
        assertThat(TaskSettings.DEFAULTS.withJobConfiguration(Map.of()).inlineStateThresholdBytes()).isEqualTo(20_480);
        assertThat(TaskSettings.DEFAULTS.withJobConfiguration(Map.of("state.storage.fs.memory-threshold", "0")).inlineStateThresholdBytes())
                .isZero();
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "512, 512", "100b, 100", "100 bytes, 100", "4k, 4096", "20 kb, 20480", "20KB, 20480", "256 kibibytes, 262144"})
    void memorySizesAreReadAsFlinkWritesThem(String value, int bytes) {
        assertThat(TaskSettings.DEFAULTS.withJobConfiguration(Map.of("state.storage.fs.memory-threshold", value)).inlineStateThresholdBytes())
                .isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "kb", "-1", "twenty kb", "20 parsecs", "1.5 kb"})
    void aMalformedSizeIsRefusedNamingTheKeyAndValue(String value) {
        assertThatThrownBy(() -> TaskSettings.DEFAULTS.withJobConfiguration(Map.of("state.storage.fs.memory-threshold", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("configuration key state.storage.fs.memory-threshold: '" + value + "' is not a memory size (e.g. 20 kb)");
    }

    @Test
    void aThresholdAbove256KibIsRefusedBecauseInlineStateTravelsInKafkaRecords() {
        assertThat(TaskSettings.DEFAULTS.withJobConfiguration(Map.of("state.storage.fs.memory-threshold", "256 kb")).inlineStateThresholdBytes())
                .isEqualTo(262_144);
        assertThatThrownBy(() -> TaskSettings.DEFAULTS.withJobConfiguration(Map.of("state.storage.fs.memory-threshold", "262145")))
                .hasMessage("configuration key state.storage.fs.memory-threshold: at most 256 kb (inline state travels in Kafka records), was '262145'");
        assertThatThrownBy(() -> TaskSettings.DEFAULTS.withJobConfiguration(Map.of("state.storage.fs.memory-threshold", "1 mb")))
                .hasMessageContaining("at most 256 kb");
    }
}
