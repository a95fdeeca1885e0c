package dev.kms.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/kms --home HOME server --port 0} as a process, as the README runs it, on this test's class path
 * (KMS_CLASSPATH: the jar is only packaged after tests), with stdout and stderr in {@code work/server.out} and
 * {@code work/server.err}; {@link #start} returns once the banner names the endpoint.
 */
record ServerProcess(Process process, String endpoint) {
    private static final Pattern ENDPOINT = Pattern.compile("(?m)^  endpoint     (http://\\S+)$");

    static ServerProcess start(Path home, Path work) throws Exception {
        Path err = work.resolve("server.err");
        ProcessBuilder builder = new ProcessBuilder("bash", KmsScript.PATH.toString(), "--home",
                home.toString(), "server", "--port", "0").directory(work.toFile());
        builder.environment().remove("SOFTHSM2_CONF");
        builder.environment().put("KMS_CLASSPATH", System.getProperty("java.class.path"));
        builder.redirectOutput(work.resolve("server.out").toFile()).redirectError(err.toFile());
        Process process = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            String banner = Files.readString(err);
            Matcher m = ENDPOINT.matcher(banner);
            if (m.find() && banner.contains("Stop with Ctrl-C")) {
                return new ServerProcess(process, m.group(1));
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("kms server did not start: " + banner);
            }
            Thread.sleep(100);
        }
    }
}
