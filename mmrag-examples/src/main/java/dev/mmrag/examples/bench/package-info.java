/**
 * Benchmarks run as plain {@code main} programs: each prints its configuration, a table and a last {@code RESULT}
 * line, and compares mmrag with a baseline measured in the same run.
 */
package dev.mmrag.examples.bench;
