package io.flowmesh.dispatcher.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowmesh.dispatcher.rest.metrics.SubtaskMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aggregations of the REST views that do not need a cluster. */
class JobViewsTest {

    @Test
    void ioMetricsSumRecordCountsAndAreCompleteOnlyWhenEverySubtaskReported() {
        SubtaskMetrics a = new SubtaskMetrics(10.0, 7.0, null, null, null, null, "tm-1");
        SubtaskMetrics b = new SubtaskMetrics(5.0, null, null, null, null, null, "tm-2");
        RestModel.IOMetrics io = JobViews.ioMetrics(List.of(a, b), 2);
        assertThat(io.readRecords()).isEqualTo(15);
        assertThat(io.readRecordsComplete()).isTrue();
        assertThat(io.writeRecords()).isEqualTo(7);
        assertThat(io.writeRecordsComplete()).isFalse();
        assertThat(io.readBytesComplete()).isFalse();
        assertThat(JobViews.ioMetrics(List.of(a), 2).readRecordsComplete()).as("one of two subtasks reported").isFalse();
        assertThat(JobViews.ioMetrics(List.of(), 0).readRecordsComplete()).isFalse();
    }

    @Test
    void aggregateStateFollowsFlinksPrecedence() {
        assertThat(JobViews.aggregateState(Map.of("RUNNING", 1, "FAILED", 1), 2)).isEqualTo("FAILED");
        assertThat(JobViews.aggregateState(Map.of("RUNNING", 1, "CANCELED", 1), 2)).isEqualTo("CANCELED");
        assertThat(JobViews.aggregateState(Map.of("RUNNING", 1, "FINISHED", 1), 2)).isEqualTo("RUNNING");
        assertThat(JobViews.aggregateState(Map.of("FINISHED", 1, "DEPLOYING", 1), 2)).isEqualTo("RUNNING");
        assertThat(JobViews.aggregateState(Map.of("FINISHED", 2), 2)).isEqualTo("FINISHED");
        assertThat(JobViews.aggregateState(Map.of("DEPLOYING", 2), 2)).isEqualTo("CREATED");
    }

    @Test
    void backPressureLevelsUseFlinksThresholds() {
        assertThat(JobsResource.level(0.0)).isEqualTo("ok");
        assertThat(JobsResource.level(0.10)).isEqualTo("ok");
        assertThat(JobsResource.level(0.11)).isEqualTo("low");
        assertThat(JobsResource.level(0.5)).isEqualTo("low");
        assertThat(JobsResource.level(0.51)).isEqualTo("high");
    }

    @Test
    void programArgumentsSplitAtWhiteSpaceAndKeepQuotedParts() {
        assertThat(JarsResource.tokenize(" --in a  --name \"two words\" 'x y' ")).containsExactly("--in", "a", "--name", "two words", "x y");
    }

    @Test
    void requestIdsAre32HexDigitsOfTheCheckpointId() {
        assertThat(SavepointOperations.requestId(26)).isEqualTo("0000000000000000000000000000001a");
    }
}
