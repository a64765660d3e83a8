package dev.lookalike.embedding.onnx;

import dev.lookalike.embedding.onnx.TinyOnnxModel.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A toy CLIP, written by hand so the dual-encoder plumbing can be tested without a real model.
 * Its joint space has 4 dimensions: red, green, blue and "neutral".
 *
 * <ul>
 *   <li>Image tower ({@code pixel_values [batch,3,h,w] -> image_embeds [batch,D]}): the mean of each
 *       normalized colour channel, projected so that R, G and B land on the first three axes. A red
 *       image scores high on "red" and (after CLIP's mean/std) negative on the others.</li>
 *   <li>Text tower ({@code input_ids [, attention_mask] -> text_embeds [batch,D]}): a 10-token
 *       embedding table looked up by id, averaged over the sequence (over the unmasked tokens only when
 *       it takes a mask), then projected. "red", "green", "blue" sit on their colour's axis; the special
 *       tokens, padding, unknown and filler words on the neutral axis, so padding that is not masked
 *       visibly pulls a text towards "neutral".</li>
 *   <li>Echo model: returns the ids (and mask) it was fed as floats, to see exactly what the encoder
 *       sends.</li>
 *   <li>{@code tokenizer.json}: a Hugging Face WordLevel tokenizer, lower-casing and splitting on
 *       whitespace, adding {@code [BOS]}/{@code [EOS]} like CLIP's start and end tokens.</li>
 * </ul>
 */
public final class TinyClip {

    public static final int DIMS = 4;
    static final long PAD = 0;
    static final long UNK = 1;
    static final long BOS = 2;
    static final long EOS = 3;
    static final long RED = 4;
    static final long GREEN = 5;
    static final long BLUE = 6;
    private static final int VOCAB = 10;
    private static final int WIDTH = 4;

    /** Rows of the token embedding table, by id (see {@link #TOKENIZER}). */
    private static final float[] TABLE = {
            0, 0, 0, 1, // [PAD]
            0, 0, 0, 1, // [UNK]
            0, 0, 0, 0.5f, // [BOS]
            0, 0, 0, 0.5f, // [EOS]
            3, 0, 0, 0, // red
            0, 3, 0, 0, // green
            0, 0, 3, 0, // blue
            0, 0, 0, 0.2f, // a
            0, 0, 0, 0.2f, // photo
            0, 0, 0, 0.2f, // of
    };

    static final String TOKENIZER = """
            {
              "version": "1.0",
              "truncation": null,
              "padding": null,
              "added_tokens": [
                {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 2, "content": "[BOS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 3, "content": "[EOS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
              ],
              "normalizer": {"type": "Lowercase"},
              "pre_tokenizer": {"type": "Whitespace"},
              "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "[BOS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": "[EOS]", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "[BOS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "[EOS]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                         {"SpecialToken": {"id": "[EOS]", "type_id": 1}}],
                "special_tokens": {
                  "[BOS]": {"id": "[BOS]", "ids": [2], "tokens": ["[BOS]"]},
                  "[EOS]": {"id": "[EOS]", "ids": [3], "tokens": ["[EOS]"]}
                }
              },
              "decoder": null,
              "model": {
                "type": "WordLevel",
                "vocab": {"[PAD]": 0, "[UNK]": 1, "[BOS]": 2, "[EOS]": 3, "red": 4, "green": 5, "blue": 6,
                          "a": 7, "photo": 8, "of": 9},
                "unk_token": "[UNK]"
              }
            }
            """;

    private TinyClip() {
    }

    public static Path tokenizer(Path dir) throws IOException {
        return Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER);
    }

    /** {@code pixel_values [batch,3,h,w] float -> image_embeds [batch,dims]}. */
    public static Path imageTower(Path file, int dims) throws IOException {
        return new Graph()
                .input("pixel_values", TinyOnnxModel.FLOAT, "batch", 3, "height", "width")
                .output("image_embeds", TinyOnnxModel.FLOAT, "batch", dims)
                .floats("image_projection", projection(3, dims), 3, dims)
                .node("GlobalAveragePool", List.of("pixel_values"), List.of("pooled"))
                .node("Flatten", List.of("pooled"), List.of("channel_means"))
                .node("MatMul", List.of("channel_means", "image_projection"), List.of("image_embeds"))
                .write(file);
    }

    /** The usual CLIP text tower: int64 ids and an attention mask, text_embeds of {@link #DIMS}. For other modules' tests. */
    public static Path textTower(Path file) throws IOException {
        return textTower(file, TinyOnnxModel.INT64, true, DIMS);
    }

    /** A text tower with all options: id type, a mask (masked mean) or not (plain mean), output size. */
    static Path textTower(Path file, int idType, boolean mask, int dims) throws IOException {
        return textTower(file, idType, mask, dims, false);
    }

    /**
     * @param openSize declare {@code text_embeds} as {@code [batch, ?]}, like optimum's
     *                 {@code clip-text-with-projection} export; also exposes the per-token
     *                 {@code last_hidden_state [batch, sequence, 4]} as a second output
     */
    static Path textTower(Path file, int idType, boolean mask, int dims, boolean openSize) throws IOException {
        Graph graph = new Graph()
                .input("input_ids", idType, "batch", "sequence")
                .floats("token_embedding", TABLE, VOCAB, WIDTH)
                .floats("text_projection", projection(WIDTH, dims), WIDTH, dims)
                .node("Gather", List.of("token_embedding", "input_ids"), List.of("last_hidden_state"));
        if (mask) {
            graph.input("attention_mask", idType, "batch", "sequence")
                    .longs("axis_1", new long[] {1}, 1)
                    .longs("axis_2", new long[] {2}, 1)
                    .node("Cast", List.of("attention_mask"), List.of("mask"), Graph.integer("to", TinyOnnxModel.FLOAT))
                    .node("Unsqueeze", List.of("mask", "axis_2"), List.of("mask_3d"))
                    .node("Mul", List.of("last_hidden_state", "mask_3d"), List.of("masked"))
                    .node("ReduceSum", List.of("masked", "axis_1"), List.of("summed"), Graph.integer("keepdims", 0))
                    .node("ReduceSum", List.of("mask", "axis_1"), List.of("count"), Graph.integer("keepdims", 1))
                    .node("Div", List.of("summed", "count"), List.of("pooled"));
        } else {
            graph.node("ReduceMean", List.of("last_hidden_state"), List.of("pooled"), Graph.ints("axes", 1),
                    Graph.integer("keepdims", 0));
        }
        graph.node("MatMul", List.of("pooled", "text_projection"), List.of("text_embeds"))
                .output("text_embeds", TinyOnnxModel.FLOAT, "batch", openSize ? "projection" : dims);
        if (openSize) {
            graph.output("last_hidden_state", TinyOnnxModel.FLOAT, "batch", "sequence", WIDTH);
        }
        return graph.write(file);
    }

    /**
     * Returns what it is fed: {@code echo [batch, length]} (the ids) or {@code [batch, 2*length]} (ids
     * then mask), as floats. Its sequence length is fixed at {@code length}.
     */
    static Path echo(Path file, int idType, boolean mask, int length) throws IOException {
        Graph graph = new Graph()
                .input("input_ids", idType, "batch", length)
                .output("echo", TinyOnnxModel.FLOAT, "batch", mask ? 2 * length : length);
        if (mask) {
            graph.input("attention_mask", idType, "batch", length)
                    .node("Cast", List.of("input_ids"), List.of("ids"), Graph.integer("to", TinyOnnxModel.FLOAT))
                    .node("Cast", List.of("attention_mask"), List.of("mask"), Graph.integer("to", TinyOnnxModel.FLOAT))
                    .node("Concat", List.of("ids", "mask"), List.of("echo"), Graph.integer("axis", 1));
        } else {
            graph.node("Cast", List.of("input_ids"), List.of("echo"), Graph.integer("to", TinyOnnxModel.FLOAT));
        }
        return graph.write(file);
    }

    /** Both towers in one graph, like optimum's combined CLIP {@code model.onnx}. */
    static Path combined(Path file) throws IOException {
        return new Graph()
                .input("input_ids", TinyOnnxModel.INT64, "text_batch", "sequence")
                .input("pixel_values", TinyOnnxModel.FLOAT, "image_batch", 3, "height", "width")
                .input("attention_mask", TinyOnnxModel.INT64, "text_batch", "sequence")
                .output("text_embeds", TinyOnnxModel.FLOAT, "text_batch", DIMS)
                .output("image_embeds", TinyOnnxModel.FLOAT, "image_batch", DIMS)
                .floats("token_embedding", TABLE, VOCAB, WIDTH)
                .floats("text_projection", projection(WIDTH, DIMS), WIDTH, DIMS)
                .floats("image_projection", projection(3, DIMS), 3, DIMS)
                .node("Gather", List.of("token_embedding", "input_ids"), List.of("tokens"))
                .node("ReduceMean", List.of("tokens"), List.of("pooled"), Graph.ints("axes", 1),
                        Graph.integer("keepdims", 0))
                .node("MatMul", List.of("pooled", "text_projection"), List.of("text_embeds"))
                .node("GlobalAveragePool", List.of("pixel_values"), List.of("pooled_image"))
                .node("Flatten", List.of("pooled_image"), List.of("channel_means"))
                .node("MatMul", List.of("channel_means", "image_projection"), List.of("image_embeds"))
                .write(file);
    }

    /** {@code rows x dims}: identity on the leading square, zeros elsewhere. */
    private static float[] projection(int rows, int dims) {
        float[] weights = new float[rows * dims];
        for (int i = 0; i < Math.min(rows, dims); i++) {
            weights[i * dims + i] = 1;
        }
        return weights;
    }
}
