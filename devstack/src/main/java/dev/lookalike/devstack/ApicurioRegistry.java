package dev.lookalike.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Apicurio Registry (a Quarkus app with in-memory storage) run as a child process,
 * giving dev mode and integration tests a Confluent-compatible schema registry at
 * {@link #ccompatUrl()}. Its global compatibility is set to BACKWARD, Confluent's default.
 *
 * <p>The child is bound to 127.0.0.1, logs to a file in a temp dir, and is destroyed on
 * {@link #close()} or, at the latest, by a JVM shutdown hook, so a killed test run does not
 * leave registries behind.
 */
public final class ApicurioRegistry implements AutoCloseable {
    public static final String VERSION = "2.6.13.Final";
    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final MediaType JSON = MediaType.get("application/vnd.schemaregistry.v1+json");

    private static ApicurioRegistry shared;

    private final Process process;
    private final int port;
    private final Path workDir;
    private final Path logFile;
    private final Thread shutdownHook;
    private final boolean isShared;
    private volatile Duration startupTime = Duration.ZERO;
    private boolean closed;

    private ApicurioRegistry(Process process, int port, Path workDir, Path logFile, boolean isShared) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
        this.logFile = logFile;
        this.isShared = isShared;
        this.shutdownHook = new Thread(this::stop, "apicurio-registry-shutdown");
    }

    /** Starts a registry of its own on a free port; the caller closes it. */
    public static ApicurioRegistry start() {
        return start(ApicurioHome.resolve(), FreePorts.find(), null, false);
    }

    /** Starts a registry from {@code home} (the unpacked app) on {@code port}; the caller closes it. */
    public static ApicurioRegistry start(Path home, int port) {
        return start(home, port, null, false);
    }

    /**
     * As {@link #start(Path, int)}, keeping the schemas in an H2 database file under {@code storageDir}
     * (the app's own SQL storage; in memory otherwise), so a restarted registry knows every schema and id
     * it gave out: records name their schema by id. Port 0 picks a free one.
     */
    public static ApicurioRegistry start(Path home, int port, Path storageDir) {
        return start(home, port == 0 ? FreePorts.find() : port, storageDir, false);
    }

    /**
     * One registry per JVM, started on first use and stopped by a shutdown hook, so a test
     * suite pays the start-up once. Its {@link #close()} does nothing. Tests sharing it should
     * use subject names of their own.
     */
    public static synchronized ApicurioRegistry shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start(ApicurioHome.resolve(), FreePorts.find(), null, true);
        }
        return shared;
    }

    private static ApicurioRegistry start(Path home, int port, Path storageDir, boolean isShared) {
        long t0 = System.nanoTime();
        Path runner = ApicurioHome.runnerJar(home);
        Path workDir = Dirs.createTemp("lookalike-apicurio-");
        Path logFile = workDir.resolve("registry.log");
        Process process;
        try {
            process = new ProcessBuilder(command(runner, port, storageDir, workDir))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            Dirs.deleteRecursively(workDir);
            throw new UncheckedIOException("Could not start Apicurio Registry from " + runner, e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, port, workDir, logFile, isShared);
        Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
        try (RegistryHttp http = new RegistryHttp()) {
            registry.awaitReady(http);
            // Apicurio defaults to NONE; Confluent's registry, which producers expect, to BACKWARD.
            http.put(registry.ccompatUrl() + "/config", "{\"compatibility\":\"BACKWARD\"}");
        } catch (RuntimeException e) {
            registry.stop();
            Runtime.getRuntime().removeShutdownHook(registry.shutdownHook);
            throw e;
        }
        registry.startupTime = Duration.ofNanos(System.nanoTime() - t0);
        log.info("Apicurio Registry ready at {} in {} ms (pid {}, log {})",
                registry.ccompatUrl(), registry.startupTime.toMillis(), process.pid(), logFile);
        return registry;
    }

    private static List<String> command(Path runner, int port, Path storageDir, Path workDir) {
        List<String> command = new ArrayList<>();
        // The JVM running us is known to be a JDK >= 21, which the registry runs on.
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // A small, quick-starting JVM: the registry serves a handful of schema look-ups.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        // Its temp files in the work dir, which stop() deletes: Vert.x otherwise leaves an empty vertx-cache
        // directory in the system temp dir after every run.
        command.add("-Djava.io.tmpdir=" + workDir.toAbsolutePath());
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        // Content-based ids must ignore formatting, as Confluent's canonical form does.
        command.add("-Dregistry.ccompat.use-canonical-hash=true");
        if (storageDir != null) {
            // The app's storage is H2, in memory unless its JDBC URL names a file.
            command.add("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + storageDir.toAbsolutePath().resolve("registry"));
        }
        command.add("-Dquarkus.banner.enabled=false");
        command.add("-Dquarkus.log.level=WARN");
        command.add("-Dquarkus.log.category.\"io.apicurio\".level=WARN");
        command.addAll(List.of("-jar", runner.toString()));
        return command;
    }

    private void awaitReady(RegistryHttp http) {
        String health = baseUrl() + "/health/ready";
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!http.isOk(health)) {
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("Apicurio Registry not ready within " + READY_TIMEOUT
                        + "; log tail:\n" + logTail());
            }
            // Waiting on the process doubles as the poll interval and notices a crash at once.
            if (waitForExit(Duration.ofMillis(100))) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " during start-up; log tail:\n" + logTail());
            }
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
        }
    }

    /** The last lines of the registry's log, for error messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** {@code http://127.0.0.1:PORT}, the root of the registry's own APIs and health checks. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The Confluent-compatible API, {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Wall time from start until the registry was ready and configured. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the child process; does nothing for the {@link #shared()} instance. */
    @Override
    public void close() {
        if (isShared) return;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing to remove.
        }
    }

    private synchronized void stop() {
        if (closed) return;
        closed = true;
        // Quarkus stops cleanly on SIGTERM; kill children first so none is orphaned.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!waitForExitQuietly()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitForExitQuietly();
        }
        Dirs.deleteRecursively(workDir);
    }

    private boolean waitForExitQuietly() {
        try {
            return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The few HTTP calls needed to bring the registry up. */
    private static final class RegistryHttp implements AutoCloseable {
        private final OkHttpClient client = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(10))
                .build();

        boolean isOk(String url) {
            try (Response response = client.newCall(new Request.Builder().url(url).get().build()).execute()) {
                return response.isSuccessful();
            } catch (IOException notListeningYet) {
                return false;
            }
        }

        void put(String url, String json) {
            Request request = new Request.Builder().url(url).put(RequestBody.create(json, JSON)).build();
            try (Response response = client.newCall(request).execute()) {
                if (!response.isSuccessful()) {
                    throw new IllegalStateException("PUT " + url + " failed: HTTP " + response.code());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("PUT " + url + " failed", e);
            }
        }

        @Override
        public void close() {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
