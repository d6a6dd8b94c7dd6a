package io.hybridcast.simulator.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.SensorSystems;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Faults to inject and operating events to announce, read from a JSON scenario file (format in docs/simulator.md,
 * example in {@code simulator/src/main/resources/scenarios/example.json}). Sequence numbers count from each sensor's
 * first sample of the run (a resumed sensor shifts them, see {@link #shifted}).
 *
 * @param faults the faults, in file order
 * @param events the operating events (drive off / on), in file order
 */
public record Scenario(List<FaultSpec> faults, List<EventSpec> events) {

    /** No faults, no events. */
    public static final Scenario NONE = new Scenario(List.of());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("sensor", "kind", "atSequence", "durationSamples", "parameter",
            "value", "magnitude", "comment");

    private static final Set<String> EVENT_FIELDS = Set.of("sensor", "event", "atSequence", "durationSamples",
            "comment");

    public Scenario {
        faults = List.copyOf(faults);
        events = List.copyOf(events);
    }

    /** Faults only. */
    public Scenario(List<FaultSpec> faults) {
        this(faults, List.of());
    }

    /** Reads and checks the syntax of a scenario file; sensors are checked later by {@link #validate}. */
    public static Scenario read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ScenarioException("scenario file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ScenarioException("cannot read scenario file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses scenario JSON; {@code source} names it in error messages. */
    public static Scenario parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScenarioException("scenario " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("faults").isArray()) {
            throw new ScenarioException("scenario " + source + " must be a JSON object with a 'faults' array");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("faults") && !field.equals("events") && !field.equals("comment")) {
                throw new ScenarioException("scenario " + source + ": unknown field '" + field
                        + "' (known: faults, events, comment)");
            }
        }
        List<FaultSpec> faults = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root.get("faults")) {
            faults.add(parseFault(node, source + " faults[" + index + "]"));
            index++;
        }
        List<EventSpec> events = new ArrayList<>();
        JsonNode eventNodes = root.path("events");
        if (!eventNodes.isMissingNode() && !eventNodes.isArray()) {
            throw new ScenarioException("scenario " + source + ": 'events' must be an array, got " + eventNodes);
        }
        index = 0;
        for (JsonNode node : eventNodes) {
            events.add(parseEvent(node, source + " events[" + index + "]"));
            index++;
        }
        return new Scenario(faults, events);
    }

    private static EventSpec parseEvent(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new ScenarioException(where + " must be an object, got " + node);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!EVENT_FIELDS.contains(field)) {
                throw new ScenarioException(where + ": unknown field '" + field + "' (known: " + EVENT_FIELDS + ")");
            }
        }
        String sensor = requiredText(node, "sensor", where);
        String event = requiredText(node, "event", where);
        if (!event.equals(OperatingEvent.DRIVE_OFF.name())) {
            throw new ScenarioException(where + ".event: only DRIVE_OFF can be scheduled (the drive comes on again after"
                    + " durationSamples; START_UP and RE_EXCITATION happen by themselves), got '" + event + "'");
        }
        long at = integer(node, "atSequence", where, null);
        if (at < 0) {
            throw new ScenarioException(where + ".atSequence must be >= 0, got " + at);
        }
        long duration = integer(node, "durationSamples", where, null);
        if (duration < 1) {
            throw new ScenarioException(where + ".durationSamples must be >= 1, got " + duration);
        }
        return new EventSpec(sensor, OperatingEvent.DRIVE_OFF, at, duration);
    }

    /**
     * Parses one fault given on the command line as comma-separated {@code key=value} pairs with the same keys as
     * the file format, e.g. {@code sensor=pendulum-0,kind=PARAMETER_STEP,atSequence=600,parameter=omega,value=2.6}.
     */
    public static FaultSpec parseFlag(String text) {
        String where = "--fault '" + text + "'";
        com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ScenarioException(where + ": expected key=value pairs separated by ',', got '" + pair + "'");
            }
            String key = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            switch (key) {
                case "atSequence", "durationSamples" -> {
                    try {
                        node.put(key, Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        throw new ScenarioException(where + "." + key + " must be an integer, got '" + value + "'", e);
                    }
                }
                case "value", "magnitude" -> {
                    try {
                        node.put(key, Double.parseDouble(value));
                    } catch (NumberFormatException e) {
                        throw new ScenarioException(where + "." + key + " must be a number, got '" + value + "'", e);
                    }
                }
                default -> node.put(key, value);
            }
        }
        return parseFault(node, where);
    }

    /** This scenario followed by more faults. */
    public Scenario plus(List<FaultSpec> more) {
        return plus(new Scenario(more));
    }

    /** This scenario followed by the faults and events of another. */
    public Scenario plus(Scenario more) {
        List<FaultSpec> allFaults = new ArrayList<>(faults);
        allFaults.addAll(more.faults);
        List<EventSpec> allEvents = new ArrayList<>(events);
        allEvents.addAll(more.events);
        return new Scenario(allFaults, allEvents);
    }

    /** The faults and events of one sensor. */
    public Scenario of(String sensor) {
        return new Scenario(faults.stream().filter(f -> f.sensor().equals(sensor)).toList(),
                events.stream().filter(e -> e.sensor().equals(sensor)).toList());
    }

    /** Every fault and event {@code samples} later (a sensor resumed at sample {@code samples}). */
    public Scenario shifted(long samples) {
        return new Scenario(faults.stream().map(f -> f.shifted(samples)).toList(),
                events.stream().map(e -> e.shifted(samples)).toList());
    }

    private static FaultSpec parseFault(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new ScenarioException(where + " must be an object, got " + node);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new ScenarioException(where + ": unknown field '" + field + "' (known: " + FIELDS + ")");
            }
        }
        String sensor = requiredText(node, "sensor", where);
        String kindText = requiredText(node, "kind", where);
        FaultKind kind;
        try {
            kind = FaultKind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(where + ".kind: unknown fault kind '" + kindText + "' (known: "
                    + Arrays.toString(FaultKind.values()) + ")", e);
        }
        long at = integer(node, "atSequence", where, null);
        if (at < 0) {
            throw new ScenarioException(where + ".atSequence must be >= 0, got " + at);
        }
        boolean needsDuration = kind == FaultKind.PARAMETER_DRIFT || kind == FaultKind.STUCK
                || kind == FaultKind.DROPOUT || kind == FaultKind.NOISE_BURST;
        long duration = integer(node, "durationSamples", where, needsDuration ? null : 1L);
        if (duration < 1) {
            throw new ScenarioException(where + ".durationSamples must be >= 1, got " + duration);
        }
        boolean needsParameter = kind == FaultKind.PARAMETER_STEP || kind == FaultKind.PARAMETER_DRIFT
                || kind == FaultKind.UNMODELLED_CHANGE;
        String parameter = needsParameter ? requiredText(node, "parameter", where) : null;
        double value = needsParameter ? number(node, "value", where) : Double.NaN;
        boolean needsMagnitude = kind == FaultKind.SPIKE || kind == FaultKind.NOISE_BURST;
        double magnitude = needsMagnitude ? number(node, "magnitude", where) : Double.NaN;
        if (kind == FaultKind.NOISE_BURST && !(magnitude > 0)) {
            throw new ScenarioException(where + ".magnitude (noise std factor) must be > 0, got " + magnitude);
        }
        if ((kind == FaultKind.PARAMETER_STEP || kind == FaultKind.PARAMETER_DRIFT) && !(value > 0)) {
            throw new ScenarioException(where + ".value (physics parameter " + parameter + ") must be > 0, got " + value);
        }
        if (kind == FaultKind.UNMODELLED_CHANGE && !(value >= 0)) {
            throw new ScenarioException(where + ".value (unmodelled factor " + parameter + ") must be >= 0, got " + value);
        }
        return new FaultSpec(sensor, kind, at, duration, parameter, value, magnitude);
    }

    /**
     * Checks every fault against the fleet: the sensor exists, the parameter belongs to its system, and
     * transient faults of one sensor do not overlap.
     *
     * @param sensors sensor id to system kind
     */
    public void validate(Map<String, SystemKind> sensors) {
        for (int i = 0; i < faults.size(); i++) {
            FaultSpec f = faults.get(i);
            String where = "scenario faults[" + i + "]";
            SystemKind system = sensors.get(f.sensor());
            if (system == null) {
                throw new ScenarioException(where + ".sensor: no sensor '" + f.sensor() + "' in this fleet (sensors: "
                        + sensors.keySet().stream().sorted().toList() + ")");
            }
            SensorSystems.Spec spec = SensorSystems.of(system);
            if ((f.kind() == FaultKind.PARAMETER_STEP || f.kind() == FaultKind.PARAMETER_DRIFT)
                    && !spec.physicsParameters().contains(f.parameter())) {
                throw new ScenarioException(where + ".parameter: '" + f.parameter() + "' is not a physics parameter of "
                        + f.sensor() + " (" + system + ": " + spec.physicsParameters() + ")");
            }
            if (f.kind() == FaultKind.UNMODELLED_CHANGE && !spec.unmodelledParameters().contains(f.parameter())) {
                throw new ScenarioException(where + ".parameter: '" + f.parameter() + "' is not an unmodelled factor of "
                        + f.sensor() + " (" + system + ": " + spec.unmodelledParameters() + ")");
            }
            for (int j = 0; j < i; j++) {
                FaultSpec g = faults.get(j);
                if (g.sensor().equals(f.sensor()) && occupiesRange(f) && occupiesRange(g)
                        && f.atSequence() <= g.endSequence() && g.atSequence() <= f.endSequence()) {
                    throw new ScenarioException(where + " (" + f.kind() + " at " + f.atSequence() + ") overlaps faults["
                            + j + "] (" + g.kind() + " " + g.atSequence() + ".." + g.endSequence() + ") on " + f.sensor());
                }
            }
        }
        validateEvents(sensors);
    }

    /**
     * Events: the sensor exists and has a drive (a pendulum), and a drive-off overlaps neither another of the sensor
     * nor a fault with a range of its own (its truth would cut the fault's range short).
     */
    private void validateEvents(Map<String, SystemKind> sensors) {
        for (int i = 0; i < events.size(); i++) {
            EventSpec e = events.get(i);
            String where = "scenario events[" + i + "]";
            SystemKind system = sensors.get(e.sensor());
            if (system == null) {
                throw new ScenarioException(where + ".sensor: no sensor '" + e.sensor() + "' in this fleet (sensors: "
                        + sensors.keySet().stream().sorted().toList() + ")");
            }
            if (system != SystemKind.PENDULUM) {
                throw new ScenarioException(where + ".sensor: " + e.sensor() + " (" + system
                        + ") has no drive to switch off; only pendulums have one");
            }
            for (int j = 0; j < i; j++) {
                EventSpec g = events.get(j);
                if (g.sensor().equals(e.sensor()) && e.atSequence() <= g.endSequence() + 1
                        && g.atSequence() <= e.endSequence() + 1) {
                    throw new ScenarioException(where + " (" + e.kind() + " " + e.atSequence() + ".." + e.endSequence()
                            + ") overlaps events[" + j + "] (" + g.atSequence() + ".." + g.endSequence() + ") on "
                            + e.sensor());
                }
            }
            for (int j = 0; j < faults.size(); j++) {
                FaultSpec f = faults.get(j);
                if (f.sensor().equals(e.sensor()) && occupiesRange(f) && e.atSequence() <= f.endSequence()
                        && f.atSequence() <= e.endSequence() + 1) {
                    throw new ScenarioException(where + " (" + e.kind() + " " + e.atSequence() + ".." + e.endSequence()
                            + ") overlaps faults[" + j + "] (" + f.kind() + " " + f.atSequence() + ".."
                            + f.endSequence() + ") on " + e.sensor());
                }
            }
        }
    }

    /** Faults with a sequence range of their own; ranges of one sensor must not overlap. */
    private static boolean occupiesRange(FaultSpec f) {
        return f.transientFault() || f.kind() == FaultKind.PARAMETER_DRIFT;
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ScenarioException(where + "." + field + " is required (a non-empty string), got " + value);
        }
        return value.asText();
    }

    private static long integer(JsonNode node, String field, String where, Long fallback) {
        JsonNode value = node.get(field);
        if (value == null) {
            if (fallback == null) {
                throw new ScenarioException(where + "." + field + " is required (an integer)");
            }
            return fallback;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new ScenarioException(where + "." + field + " must be an integer, got " + value);
        }
        return value.asLong();
    }

    private static double number(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw new ScenarioException(where + "." + field + " is required (a finite number), got " + value);
        }
        return value.asDouble();
    }
}
