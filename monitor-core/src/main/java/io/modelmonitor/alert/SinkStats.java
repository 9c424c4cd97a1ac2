package io.modelmonitor.alert;

/**
 * What one alert sink has done since the registry started.
 *
 * @param sink the sink's name ({@code sink} tag value)
 * @param delivered events and refreshes the sink accepted
 * @param failed deliveries that threw, after the sink's own retries
 * @param dropped events never handed to the sink: its queue was full, or the registry closed
 *     before it drained
 * @param retries attempts the sink retried inside its deliveries ({@link AlertSink#retries()})
 */
public record SinkStats(String sink, long delivered, long failed, long dropped, long retries) {}
