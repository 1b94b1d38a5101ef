package io.flowmesh.api.functions;

/**
 * Time and timers of the current key, available in keyed process functions. Timers are per key and
 * timestamp (registering the same one twice fires it once); event-time timers fire when the
 * watermark passes them, processing-time timers when the wall clock does.
 */
public interface TimerService {
    long currentProcessingTime();

    long currentWatermark();

    void registerEventTimeTimer(long time);

    void registerProcessingTimeTimer(long time);

    void deleteEventTimeTimer(long time);

    void deleteProcessingTimeTimer(long time);
}
