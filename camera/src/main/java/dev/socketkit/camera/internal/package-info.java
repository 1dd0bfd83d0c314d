/**
 * The camera's implementation: the frame sources (test pattern, ffmpeg, folder, MJPEG relay), the
 * JPEG stream splitter and encoder, the pictures drawn with Java2D, and the MJPEG fan-out loop. Not
 * an API: names here may change.
 */
package dev.socketkit.camera.internal;
