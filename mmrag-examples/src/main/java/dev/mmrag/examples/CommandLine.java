package dev.mmrag.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed arguments of a command-line program: a subcommand, {@code --name value} options and
 * {@code --flag} switches. Only the names the program declares are accepted, so a typo is an error rather
 * than an ignored option.
 *
 * <p>Thread-safety: immutable after parsing.
 */
final class CommandLine {

    /** A mistake in the arguments; the program prints it with a hint to run {@code --help}. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final String command;
    private final Map<String, String> options;
    private final Set<String> switches;

    private CommandLine(String command, Map<String, String> options, Set<String> switches) {
        this.command = command;
        this.options = options;
        this.switches = switches;
    }

    /**
     * @param args the arguments
     * @param optionNames the options that take a value
     * @param switchNames the options that take none
     * @return the parsed arguments
     * @throws UsageException on an unknown option, a missing or empty value or a stray argument
     */
    static CommandLine parse(String[] args, Set<String> optionNames, Set<String> switchNames) {
        String command = null;
        Map<String, String> options = new LinkedHashMap<>();
        List<String> switches = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h")) {
                arg = "--help";
            }
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String inlineValue = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inlineValue = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (switchNames.contains(name) && inlineValue == null) {
                    switches.add(name);
                } else if (optionNames.contains(name)) {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (value.isEmpty()) {
                        throw new UsageException("option --" + name + " needs a value, got an empty one");
                    }
                    if (options.put(name, value) != null) {
                        throw new UsageException("option --" + name + " is given twice");
                    }
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else if (command == null) {
                command = arg;
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
        }
        return new CommandLine(command, options, Set.copyOf(switches));
    }

    /** @return the subcommand, or null */
    String command() {
        return command;
    }

    /**
     * @param name a switch name
     * @return whether it was given
     */
    boolean has(String name) {
        return switches.contains(name);
    }

    /**
     * @param name an option name
     * @return its value, or null
     */
    String get(String name) {
        return options.get(name);
    }

    /**
     * @param name an option name
     * @param defaultValue the value when absent
     * @return the value as a path
     */
    Path path(String name, Path defaultValue) {
        String value = options.get(name);
        return value == null ? defaultValue : Path.of(value);
    }

    /**
     * @param name an option name
     * @param defaultValue the value when absent
     * @param min the smallest allowed value
     * @return the value as an int
     */
    int integer(String name, int defaultValue, int min) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min) {
                throw new UsageException("option --" + name + " is " + parsed + "; expected at least " + min);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs a whole number, got '" + value + "'");
        }
    }

    /**
     * @param allowed the option names that make sense for the subcommand
     * @throws UsageException naming an option given that does not belong to it
     */
    void allowOnly(Set<String> allowed) {
        for (String name : options.keySet()) {
            if (!allowed.contains(name)) {
                throw new UsageException("option --" + name + " does not apply to '" + command + "'");
            }
        }
        for (String name : switches) {
            if (!allowed.contains(name) && !name.equals("help")) {
                throw new UsageException("option --" + name + " does not apply to '" + command + "'");
            }
        }
    }
}
