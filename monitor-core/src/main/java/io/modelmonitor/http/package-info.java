/**
 * A built-in, read-only HTTP endpoint: {@link io.modelmonitor.http.MonitorHttpServer} serves
 * Prometheus metrics and JSON views of snapshots and alerts on the JDK's own HTTP server.
 */
package io.modelmonitor.http;
