package dev.mmrag.onnx;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * ONNX Runtime's graph optimisation level for {@link ClipOnnxEncoder}'s sessions (see ONNX Runtime's
 * documentation on graph optimisations). Higher levels load a little slower and run faster; results agree within
 * float rounding.
 *
 * <p>Thread-safety: immutable.
 */
public enum OptimizationLevel {
    /** No graph optimisation. */
    NONE(OptLevel.NO_OPT),
    /** Semantics-preserving rewrites such as constant folding and redundant-node removal. */
    BASIC(OptLevel.BASIC_OPT),
    /** Basic plus node fusions (for example attention and GELU fusion). */
    EXTENDED(OptLevel.EXTENDED_OPT),
    /** Everything, including layout optimisations. The default. */
    ALL(OptLevel.ALL_OPT);

    private final OptLevel ortLevel;

    OptimizationLevel(OptLevel ortLevel) {
        this.ortLevel = ortLevel;
    }

    /** @return ONNX Runtime's constant for this level */
    OptLevel ortLevel() {
        return ortLevel;
    }
}
