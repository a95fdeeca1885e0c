package dev.kms.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.Map;

/**
 * The logging of {@code kms server}: JSON lines on stdout at the chosen level (logback-server.xml), in place of the
 * commands' WARN text on stderr (kms-cli's CommandLogging). Closing configures logback again as at start-up, which
 * gives the commands' configuration back; stopping the JSON appender first writes the lines still queued.
 */
final class ServerLogging implements AutoCloseable {
    static final String LEVEL_PROPERTY = "kms.server.log.level";
    private static final String SERVER_CONFIG = "logback-server.xml";
    /**
     * The most these libraries may log, whatever the level asked for. Jetty's DEBUG output carries every request
     * header (Authorization, X-Amz-Security-Token); the PKCS#11 wrapper's INFO is a line per session opened and
     * its DEBUG the arguments of token calls.
     */
    private static final Map<String, Level> MOST_VERBOSE = Map.of("org.eclipse.jetty", Level.INFO,
            "org.xipki", Level.WARN);

    /** The levels {@code --log-level} accepts. */
    public enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

    private final LoggerContext context;

    private ServerLogging(LoggerContext context) {
        this.context = context;
    }

    /** Switches to the server's JSON lines at {@code level}; a no-op unless logback is the SLF4J provider. */
    static ServerLogging start(LogLevel level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            LoggerFactory.getLogger(ServerLogging.class).warn("logback is not the SLF4J provider: server logs keep "
                    + "the configuration of the class path");
            return new ServerLogging(null);
        }
        URL config = ServerLogging.class.getClassLoader().getResource(SERVER_CONFIG);
        if (config == null) {
            throw new IllegalStateException(SERVER_CONFIG + " is missing from the class path");
        }
        context.reset(); // stops the commands' appender
        context.putProperty(LEVEL_PROPERTY, level.name());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("the logging configuration " + SERVER_CONFIG + " is broken", e);
        }
        Level chosen = Level.toLevel(level.name());
        MOST_VERBOSE.forEach((name, most) -> {
            if (!chosen.isGreaterOrEqual(most)) {
                context.getLogger(name).setLevel(most);
            }
        });
        return new ServerLogging(context);
    }

    @Override
    public void close() {
        if (context != null) {
            context.reset(); // stops the async appender, which writes out its queue first
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException("logback cannot be configured again", e);
            }
        }
    }
}
