/**
 * Video on FFmpeg (through JavaCV): {@link dev.mmrag.ffmpeg.FfmpegVideoSegmenter}, a {@link dev.mmrag.api.Segmenter}
 * that decodes a video once, front to back, finds its shots and cuts it into time-coded segments, each with a
 * keyframe JPEG that the encoder embeds like any photo.
 */
package dev.mmrag.ffmpeg;
