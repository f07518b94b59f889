/**
 * Runnable programs that show mmrag in use: the {@link dev.mmrag.examples.StyleFinder} command-line app and
 * {@link dev.mmrag.examples.QuickStart}, the builder API's smallest complete example.
 */
package dev.mmrag.examples;
