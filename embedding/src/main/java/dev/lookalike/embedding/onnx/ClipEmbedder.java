package dev.lookalike.embedding.onnx;

import dev.lookalike.embedding.Embedder;
import dev.lookalike.embedding.image.DecodedImage;
import dev.lookalike.embedding.onnx.OnnxImageModelConfig.ResizeMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A CLIP-style dual encoder: an {@link OnnxImageEmbedder} and an {@link OnnxTextEncoder} whose
 * vectors live in one space, so a text query such as {@code "a red car"} finds images by cosine
 * similarity ({@link #embedText}), as does an image. Both towers are plain single-purpose ONNX
 * models; this class only checks that they agree (same vector size, both L2-normalized), combines
 * their model ids and closes both.
 *
 * <h2>Which exports it expects</h2>
 * Two ONNX files, one per tower, plus the model's Hugging Face {@code tokenizer.json}:
 * <ul>
 *   <li><b>image tower</b>: one input {@code pixel_values}, float32 {@code [batch, 3, 224, 224]} (NCHW,
 *       RGB), and the <em>projected</em> output {@code image_embeds}, float32 {@code [batch, 512]} for
 *       ViT-B/32. Config: {@link #imageConfig(Path)}.</li>
 *   <li><b>text tower</b>: {@code input_ids} int64 {@code [batch, sequence]}, optionally
 *       {@code attention_mask} of the same shape, and the <em>projected</em> output {@code text_embeds},
 *       float32 {@code [batch, 512]}. Config: {@link #textConfig(Path, Path)}, plus
 *       {@link OnnxTextModelConfig#withoutAttentionMask()} when the export takes only {@code input_ids}.</li>
 * </ul>
 *
 * <h2>Getting them for {@code openai/clip-vit-base-patch32}</h2>
 * <ol>
 *   <li><b>optimum</b> (the usual way): {@code optimum-cli export onnx --model openai/clip-vit-base-patch32
 *       --task feature-extraction clip-onnx/} writes <em>one</em> combined {@code model.onnx} with inputs
 *       {@code pixel_values [batch_size, num_channels, height, width]}, {@code input_ids} and
 *       {@code attention_mask [text_batch_size, sequence_length]}, and outputs {@code logits_per_image},
 *       {@code logits_per_text}, {@code text_embeds [text_batch_size, 512]} and
 *       {@code image_embeds [image_batch_size, 512]}. That file cannot be used as is: every run of it needs
 *       all three inputs ({@link OnnxImageEmbedder} takes single-input models, {@link OnnxTextEncoder}
 *       refuses a {@code pixel_values} input). Cut it into the two towers with the {@code onnx} Python
 *       package:
 *       <pre>{@code
 * import onnx.utils
 * onnx.utils.extract_model("clip-onnx/model.onnx", "vision_model.onnx", ["pixel_values"], ["image_embeds"])
 * onnx.utils.extract_model("clip-onnx/model.onnx", "text_model.onnx",
 *                          ["input_ids", "attention_mask"], ["text_embeds"])
 * }</pre>
 *       then {@code ClipEmbedder.open("clip", ClipEmbedder.imageConfig(vision), ClipEmbedder.textConfig(text,
 *       tokenizerJson))} with the {@code tokenizer.json} of the model repository (optimum normally saves it
 *       next to {@code model.onnx} too).</li>
 *   <li><b>separate tower exports</b> like those of transformers.js ({@code scripts/extra/clip.py}: a
 *       {@code CLIPVisionModelWithProjection} export {@code pixel_values -> image_embeds} and a
 *       {@code CLIPTextModelWithProjection} export {@code input_ids -> text_embeds}, the text one without an
 *       attention mask; published as {@code onnx/vision_model.onnx} and {@code onnx/text_model.onnx} in
 *       {@code Xenova/clip-vit-base-patch32}): {@code imageConfig(vision)} and
 *       {@code textConfig(text, tokenizerJson).withoutAttentionMask()}. optimum's diffusers-only
 *       {@code clip-text-with-projection} export has the same text interface; it declares the size of
 *       {@code text_embeds} open, which the encoder measures with one run.</li>
 * </ol>
 * <p>An encoder refuses at construction a model that lacks a configured tensor, needs an input it does not
 * feed, or whose types or fixed sizes disagree with the config, naming the model's real tensors.
 *
 * <p><b>Not usable</b>: outputs named {@code pooler_output} of optimum's {@code clip_vision_model} and
 * {@code clip-text} exports (or {@code CLIPVisionModel}/{@code CLIPTextModel}) are taken <em>before</em>
 * CLIP's projections and are not in the shared space. The vision one is 768-d for ViT-B/32 and fails the
 * dimension check; the text one is 512-d, passes it, and would silently give meaningless text-to-image
 * scores. Always use {@code image_embeds} and {@code text_embeds}.
 *
 * <h2>Preprocessing and tokenization</h2>
 * {@link #imageConfig(Path)} follows the model's {@code preprocessor_config.json} ({@code CLIPImageProcessor}):
 * shortest edge to 224, center crop 224x224, RGB, rescale by 1/255, normalize with
 * mean {@code [0.48145466, 0.4578275, 0.40821073]} and std {@code [0.26862954, 0.26130258, 0.27577711]}.
 * One difference: the processor resizes bicubic, this module bilinear (after halving), so
 * pixel values differ slightly from the Python pipeline. {@link #textConfig(Path, Path)} uses the
 * {@code tokenizer.json} that ships with the model (byte-level BPE, lower-casing, adding
 * {@code <|startoftext|>} and {@code <|endoftext|>}), at most 77 tokens (CLIP's context length; it lives
 * in {@code tokenizer_config.json}, which is not read, hence {@code maxLength}), longer texts cut keeping
 * the end token, padded to 77 like the original CLIP. Padding does not change {@code text_embeds}: with an
 * attention mask the padding is masked, and CLIP's causal text tower pools at the end token, before it.
 *
 * <p>Sources. Read in the exporters' code: the tensor names and dynamic axes above, from optimum's
 * {@code CLIPOnnxConfig}, {@code CLIPTextWithProjectionOnnxConfig}, {@code CLIPTextOnnxConfig} and
 * {@code CLIPVisionModelOnnxConfig} ({@code optimum/exporters/onnx/model_configs.py} of optimum and
 * optimum-onnx) and transformers.js' {@code scripts/extra/clip.py}; the preprocessing values, from the
 * model's {@code preprocessor_config.json}. Not checked (no real CLIP model is available here, and the
 * tests use a toy one): the {@code extract_model} recipe, the file names of the published transformers.js
 * exports, that optimum saves {@code tokenizer.json} beside its export, that DJL parses CLIP's
 * {@code tokenizer.json} (it parses the Rust {@code tokenizers} format, which that file is), that padding
 * leaves {@code text_embeds} unchanged, and how far the bilinear resize moves the vectors.
 */
public final class ClipEmbedder implements Embedder {

    /** OpenAI CLIP's per-channel mean, R, G, B (its {@code preprocessor_config.json}). */
    public static final List<Double> CLIP_MEAN = List.of(0.48145466, 0.4578275, 0.40821073);
    /** OpenAI CLIP's per-channel std, R, G, B. */
    public static final List<Double> CLIP_STD = List.of(0.26862954, 0.26130258, 0.27577711);
    /** Input side of the ViT-B/32 and ViT-B/16 image towers. */
    public static final int CLIP_IMAGE_SIZE = 224;

    private final String name;
    private final OnnxImageEmbedder image;
    private final OnnxTextEncoder text;
    private final String modelId;

    /**
     * Pairs two loaded towers; the new embedder owns them and closes both in {@link #close()}. When
     * this throws, the caller still owns (and must close) them.
     *
     * @throws IllegalArgumentException when their vector sizes differ or either does not L2-normalize
     */
    public ClipEmbedder(String name, OnnxImageEmbedder image, OnnxTextEncoder text) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an embedder needs a non-blank name");
        }
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(text, "text");
        if (image.dimensions() != text.dimensions()) {
            throw new IllegalArgumentException("embedder '" + name + "': the image tower gives " + image.dimensions()
                    + " dims (" + image.modelId() + ") but the text tower gives " + text.dimensions() + " ("
                    + text.modelId() + "); the two must share one vector space. Use the projected outputs"
                    + " (image_embeds, text_embeds), not pooler_output, of the same CLIP model");
        }
        if (!image.config().l2Normalize() || !text.config().l2Normalize()) {
            throw new IllegalArgumentException("embedder '" + name + "': both towers must L2-normalize their"
                    + " vectors (image: " + image.config().l2Normalize() + ", text: " + text.config().l2Normalize()
                    + ")");
        }
        this.name = name;
        this.image = image;
        this.text = text;
        this.modelId = "clip:" + image.modelId() + "|" + text.modelId();
    }

    /**
     * Loads both towers and pairs them; closes whatever it loaded when something fails.
     *
     * @throws IllegalArgumentException as {@link OnnxImageEmbedder}, {@link OnnxTextEncoder} and the
     *                                  constructor do
     */
    public static ClipEmbedder open(String name, OnnxImageModelConfig imageConfig, OnnxTextModelConfig textConfig) {
        OnnxImageEmbedder image = new OnnxImageEmbedder(name, imageConfig);
        OnnxTextEncoder text = null;
        try {
            text = new OnnxTextEncoder(name, textConfig);
            return new ClipEmbedder(name, image, text);
        } catch (RuntimeException e) {
            if (text != null) {
                text.close();
            }
            image.close();
            throw e;
        }
    }

    /**
     * The image tower of an OpenAI CLIP export ({@code pixel_values -> image_embeds}): 224x224 NCHW
     * RGB, center crop, scale 1/255, {@link #CLIP_MEAN}/{@link #CLIP_STD}, L2-normalized, one
     * intra-op thread, up to 16 images per run.
     */
    public static OnnxImageModelConfig imageConfig(Path visionModel) {
        return OnnxImageModelConfig.defaults(visionModel, "pixel_values", "image_embeds")
                .withSize(CLIP_IMAGE_SIZE, CLIP_IMAGE_SIZE)
                .withPixelNormalization(1.0 / 255, CLIP_MEAN, CLIP_STD)
                .withResizeMode(ResizeMode.CENTER_CROP);
    }

    /**
     * The text tower of an OpenAI CLIP export ({@code input_ids, attention_mask -> text_embeds}) with
     * its {@code tokenizer.json} (or the folder holding it): {@link OnnxTextModelConfig#defaults} with
     * output {@code text_embeds}. Add {@link OnnxTextModelConfig#withoutAttentionMask()} for exports
     * that take only {@code input_ids}.
     */
    public static OnnxTextModelConfig textConfig(Path textModel, Path tokenizer) {
        return OnnxTextModelConfig.defaults(textModel, tokenizer).withOutputName("text_embeds");
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code clip:<image tower's model id>|<text tower's model id>}: changes when either does. */
    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimensions() {
        return image.dimensions();
    }

    @Override
    public float[] embed(DecodedImage decoded) {
        return image.embed(decoded);
    }

    /** Several images, batched as {@link OnnxImageEmbedder#embedBatch} does. */
    public List<float[]> embedBatch(List<DecodedImage> images) {
        return image.embedBatch(images);
    }

    @Override
    public boolean supportsText() {
        return true;
    }

    /**
     * A unit vector of {@link #dimensions()} values in the images' space.
     *
     * @throws IllegalArgumentException for a blank text (or a too long one when truncation is off)
     */
    @Override
    public float[] embedText(String query) {
        return text.embed(query);
    }

    /** Several texts, batched as {@link OnnxTextEncoder#embedBatch} does. */
    public List<float[]> embedTexts(List<String> queries) {
        return text.embedBatch(queries);
    }

    public OnnxImageEmbedder imageEmbedder() {
        return image;
    }

    public OnnxTextEncoder textEncoder() {
        return text;
    }

    /** Closes both towers; waits for runs in flight. Idempotent. */
    @Override
    public void close() {
        try {
            text.close();
        } finally {
            image.close();
        }
    }
}
