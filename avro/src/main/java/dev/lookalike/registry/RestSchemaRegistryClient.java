package dev.lookalike.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API,
 * Redpanda and Karapace). Ids are immutable, so schema-to-id per subject and id-to-schema
 * answers are cached for the life of the client; {@link #latest} is always asked afresh.
 *
 * <pre>{@code
 * var client = RestSchemaRegistryClient.builder("http://localhost:8081").basicAuth("user:secret").build();
 * }</pre>
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient, AutoCloseable {
    static final MediaType CONTENT_TYPE = MediaType.get("application/vnd.schemaregistry.v1+json");
    /** What Confluent's own client accepts, most specific first. */
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 500;

    private final HttpUrl baseUrl;
    private final OkHttpClient http;
    private final boolean ownsHttp;
    private final String authorization;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    private RestSchemaRegistryClient(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.ownsHttp = builder.httpClient == null;
        OkHttpClient base = ownsHttp ? new OkHttpClient() : builder.httpClient;
        this.http = base.newBuilder()
                .connectTimeout(builder.connectTimeout)
                .readTimeout(builder.readTimeout)
                .callTimeout(builder.callTimeout)
                .build();
        this.authorization = builder.authorization;
    }

    /** A client with default timeouts and no authentication. */
    public RestSchemaRegistryClient(String baseUrl) {
        this(builder(baseUrl));
    }

    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) return cached;
        JsonNode body;
        try {
            body = call(post(url("subjects", subject, "versions"), schemaBody(schema)));
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != 409) throw e;
            // Two clients registering the same new schema at once: Apicurio answers the second with
            // 409 "already exists" (Confluent's registry with the existing id). If the schema is
            // there now, that is its id; a 409 for an incompatible schema finds nothing and stands.
            return lookup(subject, schema).orElseThrow(() -> e);
        }
        int id = requireId(body, "registering under " + subject);
        remember(subject, schema, id);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) return cached;
        JsonNode body = call(get(url("schemas", "ids", String.valueOf(id))));
        Schema schema = parseAvro(body, "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public Optional<Integer> lookup(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) return Optional.of(cached);
        try {
            int id = requireId(call(post(url("subjects", subject), schemaBody(schema))), "a lookup in " + subject);
            remember(subject, schema, id);
            return Optional.of(id);
        } catch (SchemaRegistryException e) {
            // A wrong base URL also answers 404, but that is no "not registered".
            if (e.isNotFound() && !e.isUnknownPath()) return Optional.empty();
            throw e;
        }
    }

    @Override
    public SchemaVersion latest(String subject) {
        JsonNode body = call(get(url("subjects", subject, "versions", "latest")));
        Schema schema = parseAvro(body, "subject " + subject);
        int id = requireId(body, "the latest version of " + subject);
        schemasById.putIfAbsent(id, schema);
        return new SchemaVersion(body.path("subject").asText(subject), body.path("version").asInt(), id, schema);
    }

    @Override
    public void setCompatibility(String subject, String level) {
        HttpUrl url = subject == null ? url("config") : url("config", subject);
        call(new Request.Builder().url(url).put(json(Map.of("compatibility", level))));
    }

    /**
     * Asks for the global compatibility level, the cheapest call every Confluent-compatible
     * registry answers: an absent registry, refused credentials or a wrong base URL (with the
     * hint where the API is) fail here, before a command reads or sends anything.
     */
    public void checkReachable() {
        call(new Request.Builder().url(url("config")).get());
    }

    /** Releases connections and threads, unless the OkHttpClient was supplied by the caller. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient[" + baseUrl + "]";
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private HttpUrl url(String... segments) {
        HttpUrl.Builder builder = baseUrl.newBuilder();
        for (String segment : segments) {
            builder.addPathSegment(segment); // encodes '/', '?' etc. in subject names
        }
        return builder.build();
    }

    private static Request.Builder get(HttpUrl url) {
        return new Request.Builder().url(url).get();
    }

    private static Request.Builder post(HttpUrl url, RequestBody body) {
        return new Request.Builder().url(url).post(body);
    }

    /** Avro is the default schemaType, so it is not sent: older registries reject the field. */
    private static RequestBody schemaBody(Schema schema) {
        return json(Map.of("schema", schema.toString()));
    }

    private static RequestBody json(Map<String, String> fields) {
        try {
            return RequestBody.create(JSON.writeValueAsBytes(fields), CONTENT_TYPE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialize a map of strings", e);
        }
    }

    private static Schema parseAvro(JsonNode body, String what) {
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaParseException("The registry's " + what + " is a " + type + " schema, not Avro");
        }
        // A Parser remembers the names it has seen, so each schema gets a fresh one.
        return new Schema.Parser().parse(body.path("schema").asText());
    }

    private JsonNode call(Request.Builder request) {
        request.header("Accept", ACCEPT);
        if (authorization != null) request.header("Authorization", authorization);
        Request built = request.build();
        int status;
        String text;
        try (Response response = http.newCall(built).execute()) {
            ResponseBody body = response.body();
            status = response.code();
            text = body == null ? "" : body.string();
        } catch (IOException e) {
            throw new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE,
                    built.method() + " " + built.url() + " failed: " + e, e);
        }
        if (status < 200 || status >= 300) throw error(built, status, text, baseUrl);
        try {
            return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new SchemaRegistryException(status, status, built.method() + " " + built.url()
                    + " answered with a body that is not JSON", e);
        }
    }

    private static int requireId(JsonNode body, String what) {
        JsonNode id = body.path("id");
        if (!id.canConvertToInt()) {
            throw new SchemaRegistryException(200, 200, "The registry's answer to " + what + " has no schema id: " + body);
        }
        return id.asInt();
    }

    /**
     * Parses a Confluent error body; some failures (e.g. a proxy's 502) are not JSON. A 404
     * without a Confluent error code means the base URL is wrong, and the message says so.
     */
    static SchemaRegistryException error(Request request, int status, String body, HttpUrl baseUrl) {
        int code = status;
        String message = body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "..." : body;
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.isObject()) {
                code = json.path("error_code").asInt(status);
                message = json.path("message").asText(message);
            }
        } catch (IOException notJson) {
            // Keep the raw text as the message.
        }
        String text = request.method() + " " + request.url() + ": " + message;
        if (status == 404 && code / 100 != 404) text += " -- " + wrongBaseUrlHint(baseUrl);
        return new SchemaRegistryException(status, code, text);
    }

    static String wrongBaseUrlHint(HttpUrl baseUrl) {
        String root = baseUrl.scheme() + "://" + baseUrl.host() + ":" + baseUrl.port();
        String given = baseUrl.toString().replaceFirst("/$", "");
        return "is " + given + " the registry's Confluent-compatible base URL? Apicurio: " + root
                + "/apis/ccompat/v7; Confluent Schema Registry: http://host:8081";
    }

    /** Builds a {@link RestSchemaRegistryClient}; every setting has a sane default. */
    public static final class Builder {
        private final HttpUrl baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private Duration callTimeout = Duration.ofSeconds(30);
        private String authorization;
        private OkHttpClient httpClient;

        private Builder(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            HttpUrl parsed = HttpUrl.parse(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
            if (parsed == null) throw new IllegalArgumentException("Not an http(s) URL: " + baseUrl);
            this.baseUrl = parsed;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** The limit for a whole call, connecting and reading included. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** HTTP basic auth from Confluent's {@code basic.auth.user.info} form, {@code user:password}. */
        public Builder basicAuth(String userInfo) {
            if (userInfo == null || userInfo.isEmpty()) {
                this.authorization = null;
                return this;
            }
            int colon = userInfo.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("basic auth user info must be user:password");
            this.authorization = Credentials.basic(userInfo.substring(0, colon), userInfo.substring(colon + 1));
            return this;
        }

        /** Shares the caller's connection pool and dispatcher; {@link #close()} then leaves them alone. */
        public Builder httpClient(OkHttpClient client) {
            this.httpClient = client;
            return this;
        }

        public RestSchemaRegistryClient build() {
            return new RestSchemaRegistryClient(this);
        }
    }
}
