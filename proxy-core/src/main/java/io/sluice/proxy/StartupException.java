package io.sluice.proxy;

/**
 * The server could not start for a reason of the machine, not of the config (the port is taken, a file cannot be
 * opened): the command line prints the message in one line, no stack trace.
 */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
