package dev.kms.pkcs11;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the wrapper's StaticLogger to SLF4J; without it the wrapper prints to System.out, which must
 * carry only the CLI's results.
 */
final class Slf4jWrapperLogger implements org.xipki.pkcs11.wrapper.Logger {
    private static final Logger LOG = LoggerFactory.getLogger("org.xipki.pkcs11.wrapper");

    @Override
    public void info(String format, Object... arguments) {
        LOG.info(format, arguments);
    }

    @Override
    public void warn(String format, Object... arguments) {
        LOG.warn(format, arguments);
    }

    @Override
    public void error(String format, Object... arguments) {
        LOG.error(format, arguments);
    }

    @Override
    public void debug(String format, Object... arguments) {
        LOG.debug(format, arguments);
    }

    @Override
    public void trace(String format, Object... arguments) {
        LOG.trace(format, arguments);
    }

    @Override
    public boolean isDebugEnabled() {
        return LOG.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return LOG.isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return LOG.isWarnEnabled();
    }

    @Override
    public boolean isTraceEnabled() {
        return LOG.isTraceEnabled();
    }
}
