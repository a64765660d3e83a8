package dev.lookalike.embedding.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ImageLoaderTest {

    @Test
    void sha256HexMatchesTheStandardTestVector() {
        assertThat(ImageLoader.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void decodesPlainBase64AndDataUrls() {
        byte[] bytes = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        String base64 = Base64.getEncoder().encodeToString(bytes);

        assertThat(ImageLoader.decodeInline(base64)).isEqualTo(bytes);
        assertThat(ImageLoader.decodeInline("data:image/png;base64," + base64)).isEqualTo(bytes);
        assertThat(ImageLoader.decodeInline(base64.substring(0, 4) + "\n" + base64.substring(4))).isEqualTo(bytes);
    }

    @Test
    void rejectsInvalidInlineData() {
        assertThatThrownBy(() -> ImageLoader.decodeInline("data:image/png,rawtext"))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.code()).isEqualTo(ImageErrorCode.BAD_URL));
        assertThatThrownBy(() -> ImageLoader.decodeInline("not*base64!"))
                .isInstanceOfSatisfying(ImageLoadException.class,
                        e -> assertThat(e.code()).isEqualTo(ImageErrorCode.UNDECODABLE_IMAGE));
        assertThatThrownBy(() -> ImageLoader.decodeInline(" "))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.code()).isEqualTo(ImageErrorCode.EMPTY_IMAGE));
    }
}
