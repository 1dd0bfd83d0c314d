/**
 * Recording the camera to disk: {@link dev.socketkit.camera.recording.Recorder} takes frames from
 * the frame hub on its own thread and writes MJPEG AVI segments ({@link
 * dev.socketkit.camera.recording.AviWriter}), continuously or around motion events, with a
 * pre-capture ring buffer, retention by age and disk use, and repair of segments a crash left
 * unfinished ({@link dev.socketkit.camera.recording.AviFile}).
 */
package dev.socketkit.camera.recording;
