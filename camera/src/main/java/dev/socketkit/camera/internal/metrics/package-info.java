/**
 * What {@code /metrics}, {@code /healthz} and {@code /readyz} report: one {@link
 * dev.socketkit.camera.internal.metrics.ServerMetrics} per server holds a Prometheus registry whose
 * collectors read, at each scrape and on the scraping connection's thread, the counters the
 * camera's parts already keep (the frame hub, the source supervisor, the fan-outs, HLS, motion
 * events and the recorder), one {@link dev.socketkit.camera.internal.metrics.CameraProbe} per
 * camera, labelled with the camera's name. Nothing here counts on a frame's path.
 */
package dev.socketkit.camera.internal.metrics;
