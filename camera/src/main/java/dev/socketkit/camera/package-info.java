/**
 * The lecture's surveillance camera (section 9) made into a camera server: frame sources, the frame
 * hub that shares each encoded frame with every viewer, MJPEG streaming, the web page,
 * authentication.
 */
package dev.socketkit.camera;
