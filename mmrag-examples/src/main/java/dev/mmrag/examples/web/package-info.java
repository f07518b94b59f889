/**
 * The Style Finder on the web: {@link dev.mmrag.examples.web.StyleFinderServer} (Javalin) serves the page, the JSON
 * search API with its server-sent answer stream, and product photos by id, with upload limits and bounded
 * concurrency.
 */
package dev.mmrag.examples.web;
