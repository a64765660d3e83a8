package dev.lookalike.server.cli;

import dev.lookalike.embedding.image.ImageFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code produce} publishes: image files (folders walked recursively, picking images by
 * extension) and URLs, each with a stable image id, so publishing the same folder twice
 * updates the same images instead of adding copies.
 */
final class ImageInputs {

  static final Map<String, String> CONTENT_TYPES = Map.of(
      "jpg", "image/jpeg", "jpeg", "image/jpeg", "png", "image/png", "gif", "image/gif", "bmp", "image/bmp",
      "webp", "image/webp", "tif", "image/tiff", "tiff", "image/tiff");

  /** Ids longer than this are shortened to a readable head plus a hash; the service allows 512. */
  static final int MAX_READABLE_ID = 200;

  /** One image to publish: a file ({@code url} null) or a URL ({@code file} null). */
  record Input(String id, Path file, long size, String url) {
    static Input ofFile(String id, Path file, long size) { return new Input(id, file, size, null); }

    static Input ofUrl(String url) { return new Input(idForUrl(url), null, 0, url); }

    String contentType() {
      return file == null ? null : CONTENT_TYPES.getOrDefault(extension(file), "application/octet-stream");
    }
  }

  /**
   * The inputs to send, the files too large to inline, and the files in folders left out for
   * their extension (hidden files and folders are left out silently).
   */
  record Selection(List<Input> accepted, List<Input> tooLarge, List<Input> notImages, List<Path> skipped) {
    /** Nothing at all to publish: no file or URL was picked, not even one too large to send. */
    boolean isEmpty() {
      return accepted.isEmpty() && tooLarge.isEmpty() && notImages.isEmpty();
    }
  }

  private ImageInputs() {}

  /**
   * Expands {@code paths}: a folder contributes its image files (sorted, ids relative to the
   * folder), a file itself (id = its name), whatever its extension; then one URL per line of
   * {@code urlsFile} (blank lines and # comments skipped).
   */
  static Selection select(List<Path> paths, Path urlsFile, long maxInlineBytes) {
    List<Input> accepted = new ArrayList<>();
    List<Input> tooLarge = new ArrayList<>();
    List<Input> notImages = new ArrayList<>();
    List<Path> skipped = new ArrayList<>();
    for (Path path : paths) {
      for (Input input : files(path, skipped)) {
        if (input.size() > maxInlineBytes) {
          tooLarge.add(input);
        } else {
          (looksLikeAnImage(input.file()) ? accepted : notImages).add(input);
        }
      }
    }
    if (urlsFile != null) urls(urlsFile).forEach(url -> accepted.add(Input.ofUrl(url)));
    return new Selection(accepted, tooLarge, notImages, skipped);
  }

  /**
   * Whether the file starts like a format the service decodes (its magic bytes, as the service
   * decides): a text file named on the command line, or a .png that is not one, would only come
   * back as an UNSUPPORTED_FORMAT dead letter. A file that cannot be read is left to the send,
   * which reports it.
   */
  static boolean looksLikeAnImage(Path file) {
    try (var in = Files.newInputStream(file)) {
      return ImageFormat.sniff(in.readNBytes(32)).isPresent();
    } catch (IOException e) {
      return true;
    }
  }

  /** A file as given, or a folder's image files; the folder's other files go to {@code skipped}. */
  private static List<Input> files(Path path, List<Path> skipped) {
    if (!Files.exists(path)) throw new IllegalArgumentException("No such file or folder: " + path);
    if (!Files.isDirectory(path)) return List.of(Input.ofFile(path.getFileName().toString(), path, size(path)));
    List<Path> found;
    try (Stream<Path> walk = Files.walk(path)) {
      found = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("Cannot list " + path + ": " + e.getMessage(), e);
    }
    List<Input> images = new ArrayList<>();
    for (Path file : found) {
      if (isImageName(file)) {
        images.add(Input.ofFile(idForFile(path, file), file, size(file)));
      } else if (!isHidden(path.relativize(file))) {
        skipped.add(file);
      }
    }
    return images;
  }

  static boolean isImageName(Path file) {
    String name = file.getFileName().toString();
    return !name.startsWith(".") && CONTENT_TYPES.containsKey(extension(file));
  }

  /** {@code .DS_Store}, {@code .git/...}: never worth a mention. */
  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) return true;
    }
    return false;
  }

  /** The path relative to the folder, with '/' on every OS: {@code cats/tabby.jpg}. */
  static String idForFile(Path root, Path file) {
    Path relative = root.relativize(file);
    List<String> parts = new ArrayList<>();
    relative.forEach(part -> parts.add(part.toString()));
    return shorten(String.join("/", parts));
  }

  /** The URL without its scheme, e.g. {@code example.com/img/cat.jpg}: readable and unique per URL. */
  static String idForUrl(String url) {
    String withoutScheme = url.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
    return shorten(withoutScheme);
  }

  private static String shorten(String id) {
    if (id.length() <= MAX_READABLE_ID) return id;
    return id.substring(0, MAX_READABLE_ID - 17) + "~" + sha256(id).substring(0, 16);
  }

  static List<String> urls(Path urlsFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(urlsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + urlsFile + ": "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), e);
    }
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      if (!isHttpUrl(line)) {
        throw new IllegalArgumentException(urlsFile + " line " + (i + 1) + ": not an http(s) URL: " + line);
      }
      urls.add(line);
    }
    return urls;
  }

  private static boolean isHttpUrl(String s) {
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  static String extension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
