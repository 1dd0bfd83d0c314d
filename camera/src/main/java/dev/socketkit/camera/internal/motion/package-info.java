/**
 * Motion detection for the camera: {@link dev.socketkit.camera.internal.motion.MotionWatcher}
 * analyses a few frames a second from the frame hub on its own thread with a {@link
 * dev.socketkit.camera.internal.motion.MotionDetector} (a running-average background on a
 * downscaled grey picture), and {@link dev.socketkit.camera.internal.motion.MotionEvents} keeps the
 * events and their snapshots and runs the motion programs ({@link
 * dev.socketkit.camera.internal.motion.EventHook}). Not an API: configured through {@link
 * dev.socketkit.camera.MotionSettings}.
 */
package dev.socketkit.camera.internal.motion;
