/**
 * CLIP on ONNX Runtime: {@link dev.mmrag.onnx.ClipOnnxEncoder} loads a Hugging Face CLIP ONNX export (text and
 * vision models, tokenizer and preprocessor configuration), decodes untrusted images safely and preprocesses them
 * exactly as Pillow does, so embeddings match the Python reference.
 */
package dev.mmrag.onnx;
