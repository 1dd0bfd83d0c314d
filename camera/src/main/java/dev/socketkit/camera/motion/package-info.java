/**
 * Motion detection for the camera: {@link dev.socketkit.camera.motion.MotionWatcher} analyses a few
 * frames a second from the frame hub on its own thread with a {@link
 * dev.socketkit.camera.motion.MotionDetector} (a running-average background on a downscaled grey
 * picture), and {@link dev.socketkit.camera.motion.MotionEvents} keeps the events, their snapshots,
 * and runs the {@code --on-motion-start} / {@code --on-motion-end} programs ({@link
 * dev.socketkit.camera.motion.EventHook}).
 */
package dev.socketkit.camera.motion;
