package io.hybridcast.streams.topology;

/**
 * At which samples a sensor becomes due for a forecast: every {@code hop} contiguous samples once its window is
 * full, at an offset within the hop. {@code aligned}: offset 0 for every sensor, so sensors that sample in step (a
 * fleet started together, the simulator, the benchmark) all become due within the same sample period and their
 * inference queues behind each other. {@code staggered}: the offset is the sensor id's hash modulo the hop, fixed for
 * the sensor's life, so such a fleet's windows spread over the hop (a tenth of it per sample period at hop 10) and
 * no window waits behind the rest of the fleet's. A sensor keeps its cadence either way; its first forecast comes at
 * most {@code hop - 1} samples later than aligned.
 */
final class HopPhase {

    private final boolean staggered;

    HopPhase(String mode) {
        this.staggered = switch (mode) {
            case "staggered" -> true;
            case "aligned" -> false;
            default -> throw new IllegalArgumentException("forecast.phase must be staggered or aligned, not " + mode);
        };
    }

    /** The sensor's offset within its hop, 0 to {@code hop - 1} (String.hashCode: the same on every instance). */
    int offset(String sensorId, int hop) {
        return staggered ? Math.floorMod(sensorId.hashCode(), hop) : 0;
    }

    /** Whether a sensor with {@code contiguous} contiguous samples and a full window of {@code length} is due now. */
    boolean dueAt(String sensorId, long contiguous, int length, int hop) {
        return contiguous >= length && Math.floorMod(contiguous - length - offset(sensorId, hop), hop) == 0;
    }
}
