package dev.lookalike.topology.corpus;

import dev.lookalike.avro.DeadLetter;
import dev.lookalike.avro.ImageSource;
import dev.lookalike.avro.ImageUploaded;
import dev.lookalike.config.LookalikeConfig;
import dev.lookalike.embedding.image.FetcherConfig;
import dev.lookalike.embedding.image.ImageErrorCode;
import dev.lookalike.registry.SchemaRegistryClient;
import dev.lookalike.serde.ConfluentAvroSerializer;
import dev.lookalike.serde.ConfluentWireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ServerSocketFactory;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;
import org.apache.avro.Schema;

/**
 * Hostile and broken inputs, each with its event form (raw record bytes for images.uploaded) and
 * the dead letter it must end in, and with its HTTP forms (endpoint, content type, body) and the
 * 4xx JSON error each must get. Every byte is made in code, deterministically.
 *
 * <p>Image cases fan out to every way an image reaches the HTTP API: the raw body of
 * {@code /v1/search/image} and of Azure's {@code vectorizeImage}, base64 in {@code nearImage},
 * data URLs in Foundry's {@code /images/embeddings} and CoreViz's {@code /api/ai/embeddings},
 * and URLs served by a local {@link MockWebServer} (see {@link #serve}). The same bytes also
 * back an event by URL (see {@link Case#urlEvent}).
 *
 * <p>Both tests run with {@link #config()}: images over {@link #MAX_IMAGE_BYTES} are refused and
 * fetches time out fast. Shared with the server's tests through the topology test-jar.
 */
public final class HostileCorpus {

  /** image.max.bytes in both tests: small, so "far over the limit" stays cheap. */
  public static final int MAX_IMAGE_BYTES = 1 << 20;
  public static final String UPLOADS = "images.uploaded";
  static final String SEARCH_IMAGE = "/v1/search/image";
  static final String SEARCH = "/v1/search";
  static final String VECTORIZE = "/computervision/retrieval:vectorizeImage?api-version=2024-02-01&model-version=2023-04-15";
  static final String FOUNDRY = "/images/embeddings";
  static final String COREVIZ = "/api/ai/embeddings";
  static final String JSON = "application/json";

  private HostileCorpus() {}

  /** The settings both tests use (the HTTP test adds its port and allows the loopback fetches). */
  public static Map<String, Object> config() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(LookalikeConfig.IMAGE_MAX_BYTES, String.valueOf(MAX_IMAGE_BYTES));
    values.put(LookalikeConfig.FETCH_CONNECT_TIMEOUT_MS, "2000");
    // Short enough that the drip case ends quickly, long enough that an 8 MB image served on a loaded
    // 2-core machine is not cut off mid-read (300 ms was: a 413 case came back as FETCH_TIMEOUT).
    values.put(LookalikeConfig.FETCH_READ_TIMEOUT_MS, "1000");
    values.put(LookalikeConfig.FETCH_TOTAL_TIMEOUT_MS, "2000");
    values.put(LookalikeConfig.FETCH_ALLOW_PRIVATE_NETWORKS, "true");
    return values;
  }

  /** The fetcher settings production derives from {@code config} (as LookalikeService does). */
  public static FetcherConfig fetcherConfig(LookalikeConfig config) {
    return FetcherConfig.defaults()
        .withTimeouts(Duration.ofMillis(config.fetchConnectTimeoutMs()), Duration.ofMillis(config.fetchReadTimeoutMs()),
            Duration.ofMillis(config.fetchTotalTimeoutMs()))
        .withMaxBytes(config.imageMaxBytes())
        .withAllowPrivateNetworks(config.fetchAllowPrivateNetworks())
        .withAllowedHosts(Set.copyOf(config.fetchAllowedHosts()))
        .withRetries(config.fetchRetries(), Duration.ofMillis(config.fetchRetryBackoffMs()),
            Duration.ofMillis(config.fetchRetryBackoffMaxMs()));
  }

  // ---------------------------------------------------------------- the shapes

  /**
   * What a test has at hand: the registry the topology reads with, and where {@link #serve}
   * serves the cases' bytes (no trailing slash).
   */
  public record Env(SchemaRegistryClient registry, String baseUrl) {

    /** As a producer writes it: Confluent framing, ImageUploaded's schema under images.uploaded-value. */
    public byte[] serialize(ImageUploaded event) {
      return new ConfluentAvroSerializer<>(registry, ImageUploaded.class, false, true).serialize(UPLOADS, event);
    }

    public int uploadedSchemaId() {
      return registry.register(UPLOADS + "-value", ImageUploaded.getClassSchema());
    }

    public String url(String caseName) {
      return baseUrl + "/served/" + caseName;
    }
  }

  /** A record for images.uploaded: key and value as raw bytes (a null value is a tombstone). */
  public record Event(byte[] key, byte[] value) {
    static Event of(String key, byte[] value) {
      return new Event(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }
  }

  /** What the local web server answers for a case's URL. */
  public record Served(int status, String contentType, byte[] body, Map<String, String> headers, boolean drip) {
    static Served image(String contentType, byte[] body) {
      return new Served(200, contentType, body, Map.of(), false);
    }
  }

  /** How an error body looks: ours and Azure's {"error":{"code"}}, or CoreViz's {"error":"Reason"}. */
  public enum Shape { LOOKALIKE, AZURE, COREVIZ, NOT_JSON }

  /**
   * One HTTP request and what it must get. {@code gap} names a known deviation from "a 4xx
   * JSON error" (the test then pins the current answer, so a fix shows up as a failure to update).
   */
  public record Http(String label, String method, String path, String contentType, Function<Env, byte[]> body, int status,
                     String code, Shape shape, String gap) {

    Http(String label, String path, String contentType, Function<Env, byte[]> body, int status, String code, Shape shape) {
      this(label, "POST", path, contentType, body, status, code, shape, null);
    }

    @Override
    public String toString() {
      return label + " -> " + status + " " + code;
    }
  }

  /**
   * A hostile input.
   *
   * @param covers which item of the issue it covers
   * @param served what the local web server answers at {@link Env#url}(name), or null
   * @param slow   takes a timeout to fail (kept out of loops)
   */
  public record Case(String name, String covers, Function<Env, Event> event, String deadLetterCode, Served served,
                     List<Http> http, boolean slow) {

    public Event event(Env env) {
      return event.apply(env);
    }

    /** For image cases: the same bytes as an event by URL, ending in the same dead letter. */
    public boolean hasUrlForm() {
      return served != null && served.status() == 200 && served.headers().isEmpty() && !slow;
    }

    public Event urlEvent(Env env) {
      String id = name + "@url";
      return Event.of(id, env.serialize(upload(id).setSource(ImageSource.newBuilder().setUrl(env.url(name)).build()).build()));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  // ---------------------------------------------------------------- the corpus

  public static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    eventFraming(cases);
    eventValidation(cases);
    images(cases);
    urls(cases);
    return List.copyOf(cases);
  }

  /** Malformed Avro, wrong magic byte, unknown schema ids, incompatible writers. */
  private static void eventFraming(List<Case> cases) {
    String malformed = "MALFORMED_EVENT";
    cases.add(new Case("avro-shorter-than-header", "malformed Avro",
        env -> Event.of("avro-shorter-than-header", new byte[] {0, 0, 1}), malformed, null,
        List.of(new Http("search empty body", SEARCH, JSON, env -> new byte[0], 400, "BAD_REQUEST", Shape.LOOKALIKE),
            new Http("foundry empty body", FOUNDRY, JSON, env -> new byte[0], 400, "InvalidRequest", Shape.AZURE),
            new Http("coreviz empty body", COREVIZ, JSON, env -> new byte[0], 400, "Bad Request", Shape.COREVIZ)), false));
    cases.add(new Case("avro-truncated-body", "malformed Avro",
        env -> Event.of("avro-truncated-body", half(env.serialize(upload("avro-truncated-body").build()))), malformed, null,
        List.of(new Http("search truncated JSON", SEARCH, JSON, env -> half(nearImageBase64(HostileImages.png())), 400, "BAD_REQUEST", Shape.LOOKALIKE),
            new Http("foundry truncated JSON", FOUNDRY, JSON, env -> half(foundry("image/png", HostileImages.png())), 400, "InvalidRequest", Shape.AZURE),
            new Http("coreviz truncated JSON", COREVIZ, JSON, env -> half(coreVizDataUrl("image/png", HostileImages.png())), 400, "Bad Request", Shape.COREVIZ)),
        false));
    cases.add(new Case("avro-trailing-bytes", "malformed Avro",
        env -> Event.of("avro-trailing-bytes", concat(env.serialize(upload("avro-trailing-bytes").build()), new byte[] {2, 'x', 0})),
        malformed, null, List.of(), false));
    cases.add(new Case("avro-body-is-a-png", "malformed Avro",
        env -> Event.of("avro-body-is-a-png", concat(ConfluentWireFormat.header(env.uploadedSchemaId()), HostileImages.png())),
        malformed, null,
        List.of(new Http("search PNG as JSON", SEARCH, JSON, env -> HostileImages.png(), 400, "BAD_REQUEST", Shape.LOOKALIKE),
            new Http("vectorizeImage PNG as JSON", VECTORIZE, JSON, env -> HostileImages.png(), 400, "InvalidRequest", Shape.AZURE)), false));
    // Lengths and counts that claim far more than the record holds: Avro would allocate them first.
    cases.add(new Case("avro-string-claims-2gb", "malformed Avro (allocation bomb)",
        env -> Event.of("avro-string-claims-2gb", new Avro(env).varint(Integer.MAX_VALUE - 16).raw('x').bytes()), malformed, null,
        List.of(), false));
    cases.add(new Case("avro-bytes-claim-2gb", "malformed Avro (allocation bomb)",
        env -> Event.of("avro-bytes-claim-2gb", new Avro(env).string("avro-bytes-claim-2gb").string("acme").varint(0)
            .varint(1).varint(2_000_000_000L).raw(0x89, 'P', 'N', 'G').bytes()), malformed, null, List.of(), false));
    cases.add(new Case("avro-array-claims-500m-items", "malformed Avro (allocation bomb)",
        env -> Event.of("avro-array-claims-500m-items", new Avro(env).string("avro-array-claims-500m-items").string("acme")
            .varint(0).varint(1).string("PNG").varint(0).varint(500_000_000L).string("tag").bytes()), malformed, null, List.of(), false));
    cases.add(new Case("avro-map-claims-500m-entries", "malformed Avro (allocation bomb)",
        env -> Event.of("avro-map-claims-500m-entries", new Avro(env).string("avro-map-claims-500m-entries").string("acme")
            .varint(0).varint(1).string("PNG").varint(0).varint(0).varint(500_000_000L).string("k").string("v").bytes()), malformed, null,
        List.of(), false));
    cases.add(new Case("avro-negative-length", "malformed Avro",
        env -> Event.of("avro-negative-length", new Avro(env).varint(-5).raw('x', 'y').bytes()), malformed, null, List.of(), false));
    cases.add(new Case("avro-bad-union-index", "malformed Avro",
        env -> Event.of("avro-bad-union-index", new Avro(env).string("avro-bad-union-index").string("acme").varint(7)
            .string("http://x").bytes()), malformed, null, List.of(), false));
    cases.add(new Case("avro-endless-varint", "malformed Avro",
        env -> Event.of("avro-endless-varint", new Avro(env).raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
            .bytes()), malformed, null, List.of(), false));
    cases.add(new Case("avro-nested-100000-deep", "malformed Avro (stack bomb)", HostileCorpus::deeplyNested, malformed, null,
        List.of(new Http("search JSON nested 100000 deep", SEARCH, JSON, env -> "[".repeat(100_000).getBytes(StandardCharsets.US_ASCII),
                400, "BAD_REQUEST", Shape.LOOKALIKE),
            new Http("foundry JSON nested 100000 deep", FOUNDRY, JSON,
                env -> ("{\"input\":" + "[".repeat(100_000)).getBytes(StandardCharsets.US_ASCII), 400, "InvalidRequest", Shape.AZURE)),
        false));
    cases.add(new Case("wrong-magic-byte", "wrong magic byte",
        env -> {
          byte[] value = env.serialize(upload("wrong-magic-byte").build());
          value[0] = 1;
          return Event.of("wrong-magic-byte", value);
        }, "WRONG_MAGIC_BYTE", null,
        List.of(new Http("search Avro record as JSON", SEARCH, JSON, env -> env.serialize(upload("x").build()), 400, "BAD_REQUEST",
            Shape.LOOKALIKE)), false));
    cases.add(new Case("json-instead-of-avro", "wrong magic byte",
        env -> Event.of("json-instead-of-avro", "{\"imageId\":\"json-instead-of-avro\",\"source\":{\"url\":\"http://x\"}}"
            .getBytes(StandardCharsets.UTF_8)), "WRONG_MAGIC_BYTE", null,
        List.of(new Http("search XML body", SEARCH, "application/xml", env -> "<nearImage url='x'/>".getBytes(StandardCharsets.UTF_8),
            400, "BAD_REQUEST", Shape.LOOKALIKE)), false));
    cases.add(new Case("unknown-schema-id", "unknown schema id",
        env -> {
          byte[] value = env.serialize(upload("unknown-schema-id").build());
          System.arraycopy(ConfluentWireFormat.header(0x7F7F7F7F), 0, value, 0, ConfluentWireFormat.HEADER_SIZE);
          return Event.of("unknown-schema-id", value);
        }, "UNKNOWN_SCHEMA_ID", null,
        List.of(new Http("search unknown field", SEARCH, JSON, env -> "{\"nearPicture\":{\"url\":\"http://x\"}}".getBytes(StandardCharsets.UTF_8),
            400, "BAD_REQUEST", Shape.LOOKALIKE)), false));
    cases.add(new Case("incompatible-writer-schema", "unknown schema id / wrong schema",
        env -> {
          int id = env.registry().register("hostile-dead-letters", DeadLetter.getClassSchema());
          byte[] value = new Avro(ConfluentWireFormat.header(id)).string("images.uploaded").varint(0).varint(0).varint(0)
              .string("X").string("y").raw(0).varint(0).varint(0).bytes();
          return Event.of("incompatible-writer-schema", value);
        }, "SCHEMA_MISMATCH", null,
        List.of(new Http("search wrong JSON types", SEARCH, JSON, env -> "{\"nearImage\":\"not-an-object\",\"limit\":\"ten\"}"
            .getBytes(StandardCharsets.UTF_8), 400, "BAD_REQUEST", Shape.LOOKALIKE)), false));
    cases.add(new Case("writer-schema-missing-required-fields", "missing required fields",
        env -> {
          int id = env.registry().register("hostile-missing-fields", MISSING_FIELDS);
          return Event.of("writer-schema-missing-required-fields", new Avro(ConfluentWireFormat.header(id)).string("acme")
              .varint(0).varint(1).string("PNG").bytes());
        }, "SCHEMA_MISMATCH", null,
        List.of(new Http("search nearImage without image", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"certainty\":0.9}}"), 400,
                "BAD_REQUEST", Shape.LOOKALIKE),
            new Http("vectorizeImage JSON without url", VECTORIZE, JSON, env -> utf8("{}"), 400, "InvalidRequest", Shape.AZURE),
            new Http("foundry input item without image", FOUNDRY, JSON, env -> utf8("{\"input\":[{}]}"), 400, "InvalidRequest", Shape.AZURE),
            new Http("coreviz without image", COREVIZ, JSON, env -> utf8("{\"model\":\"x\"}"), 400, "Bad Request", Shape.COREVIZ)),
        false));
  }

  /** Events that decode but say nonsense: ids, tags, keys, UTF-8. */
  private static void eventValidation(List<Case> cases) {
    String invalid = "INVALID_EVENT";
    cases.add(new Case("empty-image-id", "missing required fields",
        env -> Event.of("", env.serialize(upload("").build())), invalid, null,
        List.of(new Http("search nearObject empty id", SEARCH, JSON, env -> utf8("{\"nearObject\":{\"id\":\"\"}}"), 400, "BAD_REQUEST",
            Shape.LOOKALIKE)), false));
    cases.add(new Case("source-without-url-or-data", "missing required fields",
        env -> Event.of("source-without-url-or-data", env.serialize(upload("source-without-url-or-data")
            .setSource(ImageSource.newBuilder().setContentType("image/png").build()).build())), invalid, null,
        List.of(new Http("search nearImage empty", SEARCH, JSON, env -> utf8("{\"nearImage\":{}}"), 400, "BAD_REQUEST", Shape.LOOKALIKE)),
        false));
    cases.add(new Case("source-with-url-and-data", "malformed event",
        env -> Event.of("source-with-url-and-data", env.serialize(upload("source-with-url-and-data")
            .setSource(ImageSource.newBuilder().setUrl(env.url("png-truncated")).setData(ByteBuffer.wrap(HostileImages.png())).build())
            .build())), invalid, null,
        List.of(new Http("search nearImage url and base64", SEARCH, JSON,
                env -> utf8("{\"nearImage\":{\"url\":\"" + env.url("x") + "\",\"base64\":\"iVBORw0KGgo=\"}}"), 400, "BAD_REQUEST", Shape.LOOKALIKE),
            new Http("foundry image and text in one item", FOUNDRY, JSON,
                env -> utf8("{\"input\":[{\"image\":\"data:image/png;base64,iVBORw0KGgo=\",\"text\":\"a cat\"}]}"), 422, "UnsupportedParameter",
                Shape.AZURE)), false));
    String longId = "i".repeat(100_000);
    cases.add(new Case("very-long-id", "very long ids",
        env -> Event.of(longId, env.serialize(upload(longId).build())), invalid, null,
        List.of(new Http("GET /v1/images/<100000 characters>", "GET", "/v1/images/" + longId, null, null, 414, "URI_TOO_LONG",
            Shape.LOOKALIKE, null)), false));
    cases.add(new Case("very-long-tag", "very long tags",
        env -> Event.of("very-long-tag", env.serialize(upload("very-long-tag").setTags(List.of("t".repeat(100_000))).build())), invalid,
        null,
        List.of(new Http("search/image ?tag=<100000 characters>", "POST", SEARCH_IMAGE + "?tag=" + "t".repeat(100_000), "image/png",
            env -> HostileImages.png(), 414, "URI_TOO_LONG", Shape.LOOKALIKE, null)), false));
    cases.add(new Case("too-many-tags", "very long tags",
        env -> Event.of("too-many-tags", env.serialize(upload("too-many-tags").setTags(Collections.nCopies(10_000, "tag")).build())),
        invalid, null, List.of(), false));
    cases.add(new Case("null-and-empty-tags", "missing required fields",
        env -> Event.of("null-and-empty-tags", env.serialize(upload("null-and-empty-tags").setTags(List.of("ok", "")).build())), invalid,
        null,
        List.of(new Http("search filter tag null", SEARCH, JSON, env -> utf8("{\"nearVector\":{\"vector\":[1]},\"filter\":{\"tags\":[null]}}"),
                400, "BAD_REQUEST", Shape.LOOKALIKE),
            new Http("search filter attribute null", SEARCH, JSON,
                env -> utf8("{\"nearImage\":{\"base64\":\"iVBORw0KGgo=\"},\"filter\":{\"attributes\":{\"a\":null}}}"), 400, "BAD_REQUEST",
                Shape.LOOKALIKE),
            new Http("search JSON null", SEARCH, JSON, env -> utf8("null"), 400, "BAD_REQUEST", Shape.LOOKALIKE)), false));
    cases.add(new Case("huge-attribute-value", "very long tags",
        env -> Event.of("huge-attribute-value", env.serialize(upload("huge-attribute-value")
            .setAttributes(Map.of("caption", "c".repeat(100_000))).build())), invalid, null, List.of(), false));
    cases.add(new Case("very-long-url", "very long ids",
        env -> Event.of("very-long-url", env.serialize(upload("very-long-url")
            .setSource(ImageSource.newBuilder().setUrl(env.url("png-truncated") + "?" + "q".repeat(100_000)).build()).build())), invalid, null,
        List.of(), false));
    cases.add(new Case("control-characters-in-id", "invalid UTF-8",
        env -> Event.of("id\u0000with\u001bcontrols", env.serialize(upload("id\u0000with\u001bcontrols").build())), invalid, null,
        List.of(new Http("search raw control character in JSON string", SEARCH, JSON,
            env -> utf8("{\"nearObject\":{\"id\":\"a\u0001b\"}}"), 400, "BAD_REQUEST", Shape.LOOKALIKE)), false));
    cases.add(new Case("invalid-utf8-in-id", "invalid UTF-8",
        env -> Event.of("invalid-utf8-in-id", new Avro(env).raw(10).raw('b', 'a', 'd', 0xC3, 0x28).string("acme").varint(0).varint(1)
            .string("PNG").varint(0).varint(0).varint(0).varint(2).bytes()), invalid, null,
        List.of(new Http("search invalid UTF-8 in JSON", SEARCH, JSON,
                env -> concat(utf8("{\"nearObject\":{\"id\":\"bad"), new byte[] {(byte) 0xC3, 0x28}, utf8("\"}}")), 400, "BAD_REQUEST",
                Shape.LOOKALIKE),
            new Http("foundry invalid UTF-8 in JSON", FOUNDRY, JSON,
                env -> concat(utf8("{\"input\":[{\"image\":\""), new byte[] {(byte) 0xFF, (byte) 0xFE}, utf8("\"}]}")), 400, "InvalidRequest",
                Shape.AZURE)), false));
    cases.add(new Case("invalid-utf8-in-tag", "invalid UTF-8",
        env -> Event.of("invalid-utf8-in-tag", new Avro(env).string("invalid-utf8-in-tag").string("acme").varint(0).varint(1)
            .string("PNG").varint(0).varint(1).raw(6).raw('t', 0xE2, 0x82).varint(0).varint(0).varint(2).bytes()), invalid, null,
        List.of(new Http("search invalid UTF-8 in a filter tag", SEARCH, JSON,
            env -> concat(utf8("{\"nearVector\":{\"vector\":[1]},\"filter\":{\"tags\":[\"t"), new byte[] {(byte) 0xE2, (byte) 0x82},
                utf8("\"]}}")), 400, "BAD_REQUEST", Shape.LOOKALIKE)), false));
    cases.add(new Case("invalid-utf8-in-key", "invalid UTF-8",
        env -> new Event(new byte[] {'k', (byte) 0xC3, 0x28}, env.serialize(upload("invalid-utf8-in-key").build())), "KEY_MISMATCH", null,
        List.of(), false));
    cases.add(new Case("key-differs-from-image-id", "malformed event",
        env -> Event.of("someone-else", env.serialize(upload("key-differs-from-image-id").build())), "KEY_MISMATCH", null, List.of(),
        false));
    cases.add(new Case("tombstone-without-key", "malformed event", env -> new Event(null, null), "MISSING_KEY", null, List.of(), false));
  }

  /** Every format truncated and corrupted, bombs, absurd dimensions, non-images, sizes. */
  private static void images(List<Case> cases) {
    image(cases, "zero-byte-image", "zero-byte images", "image/png", new byte[0], ImageErrorCode.EMPTY_IMAGE);

    image(cases, "png-truncated", "truncated images", "image/png", HostileImages.truncated(HostileImages.png(), 0.5),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "png-signature-only", "truncated images", "image/png", Arrays.copyOf(HostileImages.png(), 8),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "png-corrupt-idat", "PNG corrupted", "image/png", HostileImages.pngCorruptIdat(), ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "png-claims-50000x50000", "decompression bomb (PNG)", "image/png", HostileImages.pngClaiming(50_000, 50_000),
        ImageErrorCode.TOO_MANY_PIXELS);
    image(cases, "png-claims-0x0", "absurd dimensions", "image/png", HostileImages.pngClaiming(0, 0), ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "png-claims-2147483647x1", "absurd dimensions", "image/png", HostileImages.pngClaiming(Integer.MAX_VALUE, 1),
        ImageErrorCode.TOO_MANY_PIXELS);

    image(cases, "jpeg-truncated", "truncated images", "image/jpeg", HostileImages.truncated(HostileImages.jpeg(), 0.5),
        ImageErrorCode.UNDECODABLE_IMAGE);
    byte[] jpeg = HostileImages.jpeg();
    image(cases, "jpeg-corrupt-middle", "JPEG corrupted", "image/jpeg", HostileImages.filledMiddle(jpeg, jpeg.length / 8, 0xFF),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "jpeg-claims-65500x65500", "decompression bomb (JPEG)", "image/jpeg", HostileImages.jpegClaiming(65_500, 65_500),
        ImageErrorCode.TOO_MANY_PIXELS);
    image(cases, "jpeg-claims-height-0", "absurd dimensions", "image/jpeg", HostileImages.jpegClaiming(96, 0),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "jpeg-5000-scans", "decompression bomb (JPEG scans)", "image/jpeg", HostileImages.jpegScanBomb(2048, 5000),
        ImageErrorCode.UNDECODABLE_IMAGE);

    image(cases, "gif-truncated", "truncated images", "image/gif", HostileImages.truncated(HostileImages.gif(), 0.5),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "gif-unknown-block", "GIF corrupted", "image/gif", HostileImages.gifBadBlock(), ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "gif-lzw-code-size-13", "GIF corrupted", "image/gif", HostileImages.gifBadLzwCodeSize(),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "gif-5000-frames-of-65535x65535", "decompression bomb (GIF frames)", "image/gif",
        HostileImages.gifFrames(5000, 65_535, 65_535), ImageErrorCode.TOO_MANY_PIXELS);
    image(cases, "gif-claims-0x0", "absurd dimensions", "image/gif", HostileImages.gifFrames(3, 0, 0), ImageErrorCode.UNDECODABLE_IMAGE);

    image(cases, "bmp-truncated", "truncated images", "image/bmp", HostileImages.truncated(HostileImages.bmp(), 0.5),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "bmp-unknown-compression", "BMP corrupted", "image/bmp", HostileImages.bmpWith(30, 99), ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "bmp-7-bits-per-pixel", "BMP corrupted", "image/bmp", HostileImages.bmpWithShort(28, 7), ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "bmp-rle8-claims-46000x46000", "decompression bomb (BMP RLE)", "image/bmp", HostileImages.bmpRleClaiming(46_000, 46_000),
        ImageErrorCode.TOO_MANY_PIXELS);
    image(cases, "bmp-negative-width", "absurd dimensions", "image/bmp", HostileImages.bmpWith(18, -5), ImageErrorCode.UNDECODABLE_IMAGE);

    image(cases, "webp-truncated", "truncated images", "image/webp", HostileImages.truncated(HostileImages.webpLossy(), 0.5),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "webp-corrupt-middle", "WebP corrupted", "image/webp", HostileImages.filledMiddle(HostileImages.webpLossy(), 18, 0),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "webp-lossless-corrupt-middle", "WebP corrupted", "image/webp",
        HostileImages.filledMiddle(HostileImages.webpLossless(), 11, 0), ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "webp-claims-16383x16383", "decompression bomb (WebP)", "image/webp", HostileImages.webpClaimingMaximum(),
        ImageErrorCode.TOO_MANY_PIXELS);
    image(cases, "webp-vp8x-canvas-1000000x1000000", "absurd dimensions", "image/webp", HostileImages.webpVp8xCanvas(),
        ImageErrorCode.TOO_MANY_PIXELS);

    image(cases, "tiff-truncated", "truncated images", "image/tiff", HostileImages.truncated(HostileImages.tiffDeflate(), 0.5),
        ImageErrorCode.UNDECODABLE_IMAGE);
    byte[] tiff = HostileImages.tiffDeflate();
    image(cases, "tiff-corrupt-deflate-strip", "TIFF corrupted", "image/tiff", HostileImages.filledMiddle(tiff, 64, 0x5A),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "tiff-claims-100000x100000", "decompression bomb (TIFF)", "image/tiff", HostileImages.tiff(100_000, 100_000, -1, 0),
        ImageErrorCode.TOO_MANY_PIXELS);
    image(cases, "tiff-strip-past-the-end", "TIFF corrupted", "image/tiff", HostileImages.tiff(8, 8, 0x7FFFFF00, 0),
        ImageErrorCode.UNDECODABLE_IMAGE);
    image(cases, "tiff-claims-0x0", "absurd dimensions", "image/tiff", HostileImages.tiff(0, 0, -1, 0), ImageErrorCode.UNDECODABLE_IMAGE);

    image(cases, "svg", "SVG", "image/svg+xml", HostileImages.svg(), ImageErrorCode.UNSUPPORTED_FORMAT);
    image(cases, "html-as-png", "HTML / non-images with image content types", "image/png", HostileImages.html(),
        ImageErrorCode.UNSUPPORTED_FORMAT);
    image(cases, "text-as-jpeg", "non-images with image content types", "image/jpeg", HostileImages.text(),
        ImageErrorCode.UNSUPPORTED_FORMAT);
    image(cases, "pdf-as-png", "non-images with image content types", "image/png", HostileImages.pdf(), ImageErrorCode.UNSUPPORTED_FORMAT);
    image(cases, "zip-as-png", "non-images with image content types", "image/png", HostileImages.zip(), ImageErrorCode.UNSUPPORTED_FORMAT);
    image(cases, "elf-as-gif", "non-images with image content types", "image/gif", HostileImages.elf(), ImageErrorCode.UNSUPPORTED_FORMAT);

    image(cases, "image-one-byte-over-the-limit", "images over the size limit", "image/png", HostileImages.oversized(MAX_IMAGE_BYTES + 1),
        ImageErrorCode.IMAGE_TOO_LARGE);
    image(cases, "image-8x-over-the-limit", "images far over the size limit", "image/png", HostileImages.oversized(8 * MAX_IMAGE_BYTES),
        ImageErrorCode.IMAGE_TOO_LARGE);
  }

  /** Data URLs with bad base64, refused schemes, and URLs whose server misbehaves. */
  private static void urls(List<Case> cases) {
    String bad = "data:image/png;base64,iVBORw0K@@@!!";
    cases.add(new Case("data-url-with-bad-base64", "data URLs with bad base64", env -> urlEvent(env, "data-url-with-bad-base64", bad),
        "FORBIDDEN_URL", null,
        List.of(new Http("search nearImage.base64", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"base64\":\"" + bad + "\"}}"), 400,
                "INVALID_BASE64", Shape.LOOKALIKE),
            new Http("search nearImage.url", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"url\":\"" + bad + "\"}}"), 422, "FORBIDDEN_URL",
                Shape.LOOKALIKE),
            new Http("vectorizeImage url", VECTORIZE, JSON, env -> utf8("{\"url\":\"" + bad + "\"}"), 422, "FORBIDDEN_URL", Shape.AZURE),
            new Http("foundry data URL", FOUNDRY, JSON, env -> utf8("{\"input\":[{\"image\":\"" + bad + "\"}]}"), 400, "INVALID_BASE64",
                Shape.AZURE),
            new Http("coreviz data URL", COREVIZ, JSON, env -> utf8("{\"image\":\"" + bad + "\"}"), 400, "Bad Request", Shape.COREVIZ)),
        false));
    String plain = "data:image/png,%89PNG%0D%0A";
    cases.add(new Case("data-url-not-base64", "data URLs with bad base64", env -> urlEvent(env, "data-url-not-base64", plain),
        "FORBIDDEN_URL", null,
        List.of(new Http("search nearImage.image", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"image\":\"" + plain + "\"}}"), 400,
                "INVALID_BASE64", Shape.LOOKALIKE),
            new Http("foundry data URL", FOUNDRY, JSON, env -> utf8("{\"input\":[{\"image\":\"" + plain + "\"}]}"), 400, "INVALID_BASE64",
                Shape.AZURE),
            new Http("coreviz data URL", COREVIZ, JSON, env -> utf8("{\"image\":\"" + plain + "\"}"), 400, "Bad Request", Shape.COREVIZ)),
        false));
    cases.add(new Case("base64-garbage", "data URLs with bad base64", env -> urlEvent(env, "base64-garbage", "!!not base64!!"), "BAD_URL",
        null,
        List.of(new Http("search nearImage.base64", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"base64\":\"!!not base64!!\"}}"), 400,
                "INVALID_BASE64", Shape.LOOKALIKE),
            new Http("coreviz image", COREVIZ, JSON, env -> utf8("{\"image\":\"!!not base64!!\"}"), 400, "Bad Request", Shape.COREVIZ)),
        false));
    cases.add(new Case("file-url", "hostile URLs", env -> urlEvent(env, "file-url", "file:///etc/passwd"), "FORBIDDEN_URL", null,
        List.of(new Http("search nearImage.url", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"url\":\"file:///etc/passwd\"}}"), 422,
                "FORBIDDEN_URL", Shape.LOOKALIKE),
            new Http("vectorizeImage url", VECTORIZE, JSON, env -> utf8("{\"url\":\"file:///etc/passwd\"}"), 422, "FORBIDDEN_URL",
                Shape.AZURE)), false));
    for (String[] spelling : new String[][] {{"ip-in-octal", "http://0177.0.0.1/a.png"}, {"ip-in-hex", "http://0x7f000001/a.png"}}) {
      String url = spelling[1];
      cases.add(new Case(spelling[0], "hostile URLs", env -> urlEvent(env, spelling[0], url), "FORBIDDEN_URL", null,
          List.of(new Http("search nearImage.url", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"url\":\"" + url + "\"}}"), 422,
                  "FORBIDDEN_URL", Shape.LOOKALIKE),
              new Http("vectorizeImage url", VECTORIZE, JSON, env -> utf8("{\"url\":\"" + url + "\"}"), 422, "FORBIDDEN_URL",
                  Shape.AZURE)), false));
    }
    cases.add(new Case("url-with-credentials", "hostile URLs",
        env -> urlEvent(env, "url-with-credentials", env.url("png-truncated").replace("://", "://user:secret@")), "FORBIDDEN_URL", null,
        List.of(new Http("search nearImage.url", SEARCH, JSON,
            env -> utf8("{\"nearImage\":{\"url\":\"" + env.url("png-truncated").replace("://", "://user:secret@") + "\"}}"), 422,
            "FORBIDDEN_URL", Shape.LOOKALIKE)), false));
    served(cases, "url-answers-404", new Served(404, "text/html", HostileImages.html(), Map.of(), false), ImageErrorCode.HTTP_ERROR, false);
    served(cases, "url-redirects-to-itself", new Served(302, "text/plain", new byte[0], Map.of("Location", "/served/url-redirects-to-itself"),
        false), ImageErrorCode.TOO_MANY_REDIRECTS, false);
    served(cases, "url-claims-10-gb", new Served(200, "image/png", HostileImages.png(), Map.of("Content-Length", "10737418240"), false),
        ImageErrorCode.IMAGE_TOO_LARGE, false);
    served(cases, "url-drips-one-byte-a-second", new Served(200, "image/png", HostileImages.png(), Map.of(), true),
        ImageErrorCode.FETCH_TIMEOUT, true);
  }

  // ---------------------------------------------------------------- fan-out

  /** An image case: inline in the event, and through every HTTP way in. */
  private static void image(List<Case> cases, String name, String covers, String type, byte[] bytes, ImageErrorCode code) {
    int status = status(code);
    String ours = code.name();
    boolean empty = bytes.length == 0;
    // Javalin refuses bodies over image.max.bytes * 4/3 + 64 KiB (room for base64) before any handler runs.
    boolean overRequestLimit = bytes.length >= 2 * MAX_IMAGE_BYTES;
    List<Http> http = new ArrayList<>();
    Function<Env, byte[]> raw = env -> bytes;
    if (overRequestLimit) {
      http.add(new Http("search/image raw body", SEARCH_IMAGE, type, raw, 413, "PAYLOAD_TOO_LARGE", Shape.LOOKALIKE));
      http.add(new Http("search nearImage.base64", SEARCH, JSON, env -> nearImageBase64(bytes), 413, "PAYLOAD_TOO_LARGE", Shape.LOOKALIKE));
      http.add(new Http("vectorizeImage raw body", VECTORIZE, type, raw, 413, "PAYLOAD_TOO_LARGE", Shape.LOOKALIKE));
      http.add(new Http("foundry data URL", FOUNDRY, JSON, env -> foundry(type, bytes), 413, "PAYLOAD_TOO_LARGE", Shape.LOOKALIKE));
      http.add(new Http("coreviz data URL", COREVIZ, JSON, env -> coreVizDataUrl(type, bytes), 413, "Payload Too Large", Shape.COREVIZ));
    } else {
      http.add(empty ? new Http("search/image raw body", SEARCH_IMAGE, type, raw, 400, "BAD_REQUEST", Shape.LOOKALIKE)
          : new Http("search/image raw body", SEARCH_IMAGE, type, raw, status, ours, Shape.LOOKALIKE));
      http.add(new Http("search nearImage.base64", SEARCH, JSON, env -> nearImageBase64(bytes), status, ours, Shape.LOOKALIKE));
      http.add(empty ? new Http("vectorizeImage raw body", VECTORIZE, type, raw, 400, "InvalidRequest", Shape.AZURE)
          : new Http("vectorizeImage raw body", VECTORIZE, type, raw, status, ours, Shape.AZURE));
      http.add(new Http("foundry data URL", FOUNDRY, JSON, env -> foundry(type, bytes), status, ours, Shape.AZURE));
      http.add(new Http("coreviz data URL", COREVIZ, JSON, env -> coreVizDataUrl(type, bytes), status, reason(status), Shape.COREVIZ));
    }
    http.add(new Http("search nearImage.url", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"url\":\"" + env.url(name) + "\"}}"), status,
        ours, Shape.LOOKALIKE));
    http.add(empty ? new Http("vectorizeImage url", VECTORIZE, JSON, env -> utf8("{\"url\":\"" + env.url(name) + "\"}"), 400,
        "InvalidRequest", Shape.AZURE)
        : new Http("vectorizeImage url", VECTORIZE, JSON, env -> utf8("{\"url\":\"" + env.url(name) + "\"}"), status, ours, Shape.AZURE));
    http.add(new Http("coreviz url", COREVIZ, JSON, env -> utf8("{\"image\":\"" + env.url(name) + "\"}"), status, reason(status),
        Shape.COREVIZ));
    cases.add(new Case(name, covers,
        env -> Event.of(name, env.serialize(upload(name).setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(bytes))
            .setContentType(type).build()).build())),
        ours, Served.image(type, bytes), List.copyOf(http), false));
  }

  /** A URL whose server misbehaves: by event, and by every HTTP way that takes a URL. */
  private static void served(List<Case> cases, String name, Served served, ImageErrorCode code, boolean slow) {
    int status = status(code);
    List<Http> http = List.of(
        new Http("search nearImage.url", SEARCH, JSON, env -> utf8("{\"nearImage\":{\"url\":\"" + env.url(name) + "\"}}"), status,
            code.name(), Shape.LOOKALIKE),
        new Http("vectorizeImage url", VECTORIZE, JSON, env -> utf8("{\"url\":\"" + env.url(name) + "\"}"), status, code.name(), Shape.AZURE),
        new Http("coreviz url", COREVIZ, JSON, env -> utf8("{\"image\":\"" + env.url(name) + "\"}"), status, reason(status), Shape.COREVIZ));
    cases.add(new Case(name, "hostile URLs", env -> urlEvent(env, name, env.url(name)), code.name(), served, http, slow));
  }

  /** The HTTP status the API gives an image error (QueryVectors.toApi). */
  static int status(ImageErrorCode code) {
    return switch (code) {
      case IMAGE_TOO_LARGE, TOO_MANY_PIXELS -> 413;
      case UNSUPPORTED_FORMAT -> 415;
      default -> 422;
    };
  }

  /** CoreViz's error field: the reason phrase. */
  static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      default -> "Error";
    };
  }

  // ---------------------------------------------------------------- serving

  /** Serves every case's {@link Served} answer at {@code /served/<name>}; anything else is a 404. */
  public static void serve(MockWebServer server, List<Case> cases) {
    Map<String, Served> byPath = new LinkedHashMap<>();
    for (Case c : cases) {
      if (c.served() != null) byPath.put("/served/" + c.name(), c.served());
    }
    server.setServerSocketFactory(NO_DELAY);
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getRequestUrl() == null ? "" : request.getRequestUrl().encodedPath();
        Served served = byPath.get(path);
        if (served == null) return new MockResponse().setResponseCode(404);
        MockResponse response = new MockResponse().setResponseCode(served.status()).setHeader("Content-Type", served.contentType())
            .setBody(new Buffer().write(served.body()));
        served.headers().forEach(response::setHeader);
        if (served.drip()) response.throttleBody(1, 1, TimeUnit.SECONDS);
        return response;
      }
    });
  }

  /**
   * Server sockets whose connections send at once: MockWebServer writes headers and body
   * separately, and Nagle's algorithm against the client's delayed ACK costs 40 ms a fetch.
   */
  private static final ServerSocketFactory NO_DELAY = new ServerSocketFactory() {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket socket = super.accept();
          socket.setTcpNoDelay(true);
          return socket;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      throw new UnsupportedOperationException("MockWebServer binds the unbound socket itself");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      throw new UnsupportedOperationException("MockWebServer binds the unbound socket itself");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
      throw new UnsupportedOperationException("MockWebServer binds the unbound socket itself");
    }
  };

  // ---------------------------------------------------------------- builders

  /** An upload with every required field, inline PNG data, key = id. */
  static ImageUploaded.Builder upload(String id) {
    return ImageUploaded.newBuilder()
        .setImageId(id)
        .setTenant("acme")
        .setSource(ImageSource.newBuilder().setData(ByteBuffer.wrap(HostileImages.png())).setContentType("image/png").build())
        .setUploadedAt(Instant.ofEpochMilli(1_700_000_000_000L));
  }

  private static Event urlEvent(Env env, String name, String url) {
    return Event.of(name, env.serialize(upload(name).setSource(ImageSource.newBuilder().setUrl(url).build()).build()));
  }

  /** ImageUploaded as a writer without imageId and uploadedAt, which the reader cannot do without. */
  static final Schema MISSING_FIELDS = new Schema.Parser().parse("""
      {"type": "record", "name": "ImageUploaded", "namespace": "dev.lookalike.avro", "fields": [
        {"name": "tenant", "type": "string"},
        {"name": "source", "type": {"type": "record", "name": "ImageSource", "fields": [
          {"name": "url", "type": ["null", "string"], "default": null},
          {"name": "data", "type": ["null", "bytes"], "default": null}]}}
      ]}""");

  /** ImageUploaded plus a field of a recursive type: compatible (the reader skips it), and nestable without end. */
  static final Schema NESTING = new Schema.Parser().parse("""
      {"type": "record", "name": "ImageUploaded", "namespace": "dev.lookalike.avro", "fields": [
        {"name": "imageId", "type": "string"},
        {"name": "tenant", "type": "string"},
        {"name": "source", "type": {"type": "record", "name": "ImageSource", "fields": [
          {"name": "url", "type": ["null", "string"], "default": null},
          {"name": "data", "type": ["null", "bytes"], "default": null},
          {"name": "contentType", "type": ["null", "string"], "default": null}]}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attributes", "type": {"type": "map", "values": "string"}},
        {"name": "uploadedAt", "type": "long"},
        {"name": "nest", "type": {"type": "record", "name": "Nest", "fields": [
          {"name": "next", "type": ["null", "Nest"], "default": null}]}}
      ]}""");

  private static Event deeplyNested(Env env) {
    int id = env.registry().register("hostile-nesting", NESTING);
    Avro avro = new Avro(ConfluentWireFormat.header(id)).string("avro-nested-100000-deep").string("acme").varint(0).varint(1)
        .string("PNG").varint(0).varint(0).varint(0).varint(2);
    for (int i = 0; i < 100_000; i++) avro.varint(1); // "next" is a Nest, again and again
    return Event.of("avro-nested-100000-deep", avro.varint(0).bytes());
  }

  static byte[] nearImageBase64(byte[] bytes) {
    return utf8("{\"nearImage\":{\"base64\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}}");
  }

  static byte[] foundry(String type, byte[] bytes) {
    return utf8("{\"model\":\"perceptual\",\"input\":[{\"image\":\"" + dataUrl(type, bytes) + "\"}]}");
  }

  static byte[] coreVizDataUrl(String type, byte[] bytes) {
    return utf8("{\"image\":\"" + dataUrl(type, bytes) + "\"}");
  }

  static String dataUrl(String type, byte[] bytes) {
    return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] half(byte[] bytes) {
    return Arrays.copyOf(bytes, bytes.length / 2);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** Avro binary by hand, for bodies no Avro writer would produce. */
  static final class Avro {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Avro(Env env) {
      this(ConfluentWireFormat.header(env.uploadedSchemaId()));
    }

    Avro(byte[] header) {
      out.writeBytes(header);
    }

    Avro varint(long n) {
      long z = (n << 1) ^ (n >> 63);
      while ((z & ~0x7FL) != 0) {
        out.write((int) ((z & 0x7F) | 0x80));
        z >>>= 7;
      }
      out.write((int) z);
      return this;
    }

    Avro string(String s) {
      byte[] bytes = utf8(s);
      varint(bytes.length);
      out.writeBytes(bytes);
      return this;
    }

    Avro raw(int... bytes) {
      for (int b : bytes) out.write(b);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
