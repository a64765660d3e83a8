package dev.lookalike.devstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the unpacked Apicurio Registry app, which the devstack build unpacks from Maven
 * Central into {@code devstack/target/apicurio/apicurio-registry-app-VERSION}.
 */
public final class ApicurioHome {
    /** Set by surefire (parent pom) and by the {@code lookalike} launcher. */
    public static final String PROPERTY = "lookalike.apicurio.home";
    static final String APP = "apicurio-registry-app-" + ApicurioRegistry.VERSION;
    private static final Path RELATIVE_HOME = Path.of("devstack", "target", "apicurio", APP);

    private ApicurioHome() {
    }

    /**
     * The system property {@value #PROPERTY} if set; otherwise the first
     * {@code devstack/target/apicurio/<app>} found walking up from the working directory,
     * so a test run from a module directory or an IDE finds it too.
     */
    public static Path resolve() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(home.resolve(runnerJarName()))) {
                throw new IllegalStateException(PROPERTY + "=" + home + " holds no " + runnerJarName()
                        + "; run `./lookalike build` to unpack Apicurio Registry");
            }
            return home;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path home = dir.resolve(RELATIVE_HOME);
            if (Files.isRegularFile(home.resolve(runnerJarName()))) return home;
        }
        throw new IllegalStateException("Apicurio Registry " + ApicurioRegistry.VERSION + " not found: set -D"
                + PROPERTY + " or run `./lookalike build` (it unpacks the registry into " + RELATIVE_HOME + ")");
    }

    static Path runnerJar(Path home) {
        Path jar = home.resolve(runnerJarName());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No " + runnerJarName() + " in " + home
                    + "; run `./lookalike build` to unpack Apicurio Registry");
        }
        return jar;
    }

    private static String runnerJarName() {
        return APP + "-runner.jar";
    }
}
