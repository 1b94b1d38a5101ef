package io.flowmesh.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Status of a FlinkSessionJob.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlinkSessionJobStatus extends CommonStatus {

}
