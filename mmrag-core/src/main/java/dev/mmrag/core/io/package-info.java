/**
 * Crash-safe files: {@link dev.mmrag.core.io.SafeFile} replaces a file atomically (temporary file, fsync, rename)
 * and only where a file belongs; {@link dev.mmrag.core.io.FramedFile} gives a file a magic, a format version and a
 * checksum around the caller's content and reads it back verified. Every mmrag module that saves something a user
 * may load again (the HNSW store, keyword indexes, adapters) writes it with these.
 */
package dev.mmrag.core.io;
