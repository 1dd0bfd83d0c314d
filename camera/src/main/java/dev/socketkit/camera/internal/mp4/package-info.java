/**
 * H.264 in fragmented MP4, in Java alone: {@link dev.socketkit.camera.internal.mp4.AnnexB} and
 * {@link dev.socketkit.camera.internal.mp4.AccessUnitReader} split ffmpeg's Annex-B output ({@code
 * -f h264}) into NAL units and access units, {@link dev.socketkit.camera.internal.mp4.Sps} reads
 * the picture size and profile from the sequence parameter set, and {@link
 * dev.socketkit.camera.internal.mp4.Fmp4Writer} builds the init segment ({@code ftyp} + {@code
 * moov}) and one media fragment ({@code moof} + {@code mdat}) per frame or per group of frames, so
 * one encoder's output can go to any number of viewers without a second ffmpeg per viewer.
 */
package dev.socketkit.camera.internal.mp4;
