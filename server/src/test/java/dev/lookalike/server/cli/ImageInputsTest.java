package dev.lookalike.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lookalike.server.cli.ImageInputs.Input;
import dev.lookalike.server.cli.ImageInputs.Selection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInputsTest {

  @Test
  void foldersGiveImagesByExtensionWithIdsRelativeToTheFolder(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("cats"));
    Files.write(dir.resolve("cats/tabby.JPG"), headed(JPEG, 10));
    Files.write(dir.resolve("dog.png"), headed(PNG, 10));
    Files.write(dir.resolve("fake.png"), "text, named like an image".getBytes());
    Files.write(dir.resolve("notes.txt"), new byte[10]);
    Files.write(dir.resolve(".hidden.png"), new byte[10]);
    Files.write(dir.resolve("big.webp"), new byte[101]);
    Files.write(dir.resolve("cats/IMG_0001.HEIC"), new byte[10]);
    Files.createDirectories(dir.resolve(".git"));
    Files.write(dir.resolve(".git/HEAD"), new byte[10]);

    Selection selection = ImageInputs.select(List.of(dir), null, 100);

    assertThat(selection.accepted()).extracting(Input::id).containsExactly("cats/tabby.JPG", "dog.png");
    assertThat(selection.accepted()).extracting(Input::contentType).containsExactly("image/jpeg", "image/png");
    assertThat(selection.tooLarge()).extracting(Input::id).containsExactly("big.webp");
    assertThat(selection.notImages()).extracting(Input::id).containsExactly("fake.png");
    // Hidden files and folders are not worth a mention; other files are reported as skipped.
    assertThat(selection.skipped()).containsExactly(dir.resolve("cats/IMG_0001.HEIC"), dir.resolve("notes.txt"));
    assertThat(selection.isEmpty()).isFalse();
  }

  @Test
  void aFolderWithoutSupportedImagesSelectsNothing(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("IMG_0001.HEIC"), new byte[10]);

    Selection selection = ImageInputs.select(List.of(dir), null, 100);

    assertThat(selection.isEmpty()).isTrue();
    assertThat(selection.skipped()).containsExactly(dir.resolve("IMG_0001.HEIC"));
  }

  @Test
  void produceNamesExactlyTheExtensionsFoldersGive() {
    assertThat(ProduceCommand.EXTENSIONS.split(", ")).containsExactlyInAnyOrderElementsOf(ImageInputs.CONTENT_TYPES.keySet());
  }

  @Test
  void aFileIsTakenAsGivenWithItsNameAsIdWhateverItsExtension(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("photo.image"), headed(PNG, 20));
    Path heic = Files.write(dir.resolve("photo.heic"), new byte[20]); // a format the service does not decode

    Selection selection = ImageInputs.select(List.of(file, heic), null, 100);

    assertThat(selection.accepted()).singleElement().satisfies(input -> {
      assertThat(input.id()).isEqualTo("photo.image");
      assertThat(input.contentType()).isEqualTo("application/octet-stream");
    });
    assertThat(selection.notImages()).extracting(Input::id).containsExactly("photo.heic");
  }

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

  /** {@code size} bytes that start with a format's magic bytes, as the selection checks. */
  static byte[] headed(byte[] magic, int size) {
    byte[] bytes = new byte[size];
    System.arraycopy(magic, 0, bytes, 0, magic.length);
    return bytes;
  }

  @Test
  void urlFilesSkipCommentsAndRejectNonHttpLines(@TempDir Path dir) throws Exception {
    Path urls = Files.writeString(dir.resolve("urls.txt"), "# cats\nhttps://example.com/a/cat.jpg?size=2\n\nhttp://x.org/b.png\n");
    Path bad = Files.writeString(dir.resolve("bad.txt"), "https://ok.com/a.png\nfile:///etc/passwd\n");

    assertThat(ImageInputs.select(List.of(), urls, 100).accepted())
        .extracting(Input::id, Input::url)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("example.com/a/cat.jpg?size=2", "https://example.com/a/cat.jpg?size=2"),
            org.assertj.core.groups.Tuple.tuple("x.org/b.png", "http://x.org/b.png"));
    assertThatThrownBy(() -> ImageInputs.select(List.of(), bad, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
  }

  @Test
  void longIdsAreShortenedStably() {
    String url = "https://example.com/" + "x".repeat(400) + ".jpg";

    String id = ImageInputs.idForUrl(url);

    assertThat(id).hasSize(ImageInputs.MAX_READABLE_ID).startsWith("example.com/xxx").isEqualTo(ImageInputs.idForUrl(url));
  }
}
