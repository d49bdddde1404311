package org.efuf4j.models.config;

/** A {@code config.json} that cannot be read, or that holds a field of the wrong type or value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) { super(message); }
    public ConfigException(String message, Throwable cause) { super(message, cause); }
}
