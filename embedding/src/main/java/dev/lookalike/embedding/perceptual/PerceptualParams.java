package dev.lookalike.embedding.perceptual;

/**
 * Tuning knobs of {@link PerceptualEmbedder}. The defaults come from the calibration benchmark
 * (bench/results/near-duplicate-calibration.md); other values make incomparable vectors, so
 * they need their own model id.
 *
 * @param gridSize       side of the area-averaged Y/Cb/Cr grid all features are computed on
 * @param lumaMaxOrder   luma DCT coefficients kept: 1 <= u + v <= lumaMaxOrder (DC dropped: brightness);
 *                       low orders survive crops, higher ones only add crop sensitivity
 * @param chromaMaxOrder chroma DCT coefficients kept: 0 <= u + v <= chromaMaxOrder (DC kept: overall colour)
 * @param chromaWeight   weight of the chroma coefficients against the luma ones
 * @param edgeCells      side of the coarse layout the edge-orientation histogram pools over
 * @param edgeBins       signed gradient orientations per cell
 * @param edgeWeight     weight of the (unit) edge block against the (unit) DCT block; 0 drops it
 */
public record PerceptualParams(int gridSize, int lumaMaxOrder, int chromaMaxOrder, double chromaWeight,
                               int edgeCells, int edgeBins, double edgeWeight) {

    public PerceptualParams {
        if (gridSize < 8 || lumaMaxOrder < 1 || chromaMaxOrder < 0 || lumaMaxOrder >= gridSize
                || chromaMaxOrder >= gridSize || edgeCells < 1 || edgeBins < 2 || edgeWeight < 0 || chromaWeight < 0) {
            throw new IllegalArgumentException("invalid perceptual parameters: " + this);
        }
    }

    public static PerceptualParams defaults() {
        return new PerceptualParams(32, 5, 2, 3.0, 4, 8, 1.0);
    }

    public int dimensions() {
        int luma = (lumaMaxOrder + 1) * (lumaMaxOrder + 2) / 2 - 1;
        int chroma = (chromaMaxOrder + 1) * (chromaMaxOrder + 2);
        int edges = edgeWeight > 0 ? edgeCells * edgeCells * edgeBins : 0;
        return luma + chroma + edges;
    }
}
