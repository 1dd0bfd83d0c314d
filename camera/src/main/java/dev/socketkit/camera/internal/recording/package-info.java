/**
 * Recording the camera to disk: {@link dev.socketkit.camera.internal.recording.Recorder} takes
 * frames from the frame hub on its own thread and writes MJPEG AVI segments ({@link
 * dev.socketkit.camera.internal.recording.AviWriter}), continuously or around motion events, with a
 * pre-capture ring buffer, retention by age and disk use, and repair of segments a crash left
 * unfinished ({@link dev.socketkit.camera.internal.recording.AviFile}). Not an API: configured
 * through {@link dev.socketkit.camera.RecordingSettings}.
 */
package dev.socketkit.camera.internal.recording;
