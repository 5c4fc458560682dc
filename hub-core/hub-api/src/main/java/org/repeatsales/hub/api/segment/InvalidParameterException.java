package org.repeatsales.hub.api.segment;

/** A parameter value the strategy cannot work with; the message names the parameter. */
public class InvalidParameterException extends IllegalArgumentException {

    private final String parameter;

    public InvalidParameterException(String parameter, String problem) {
        super("Parameter '" + parameter + "': " + problem);
        this.parameter = parameter;
    }

    /** The name of the offending parameter, as declared in {@link ParameterSpec#name()}. */
    public String parameter() {
        return parameter;
    }
}
