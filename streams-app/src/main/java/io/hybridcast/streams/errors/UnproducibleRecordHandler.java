package io.hybridcast.streams.errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The production exception handler of the streams app: a record that can never be produced (too large for the
 * producer or the broker, refused by the broker as invalid, or not serialisable) is logged and counted in
 * {@value #METRIC}, and the task goes on. Every other error fails as by default, so Kafka Streams' own retries and
 * exactly-once handling stay as they are.
 *
 * <p>Why: without it, one such record (a dead letter quoting an oversized key, say) failed the stream thread; the
 * replacement thread re-read the same input offset and failed again, for ever. {@code DeadLetters} keeps dead
 * letters under the default 1 MiB, so this is the last line, for limits set lower or outputs not foreseen.
 */
public final class UnproducibleRecordHandler implements ProductionExceptionHandler {

    /** The streams property that carries the {@link MeterRegistry} to count in (an object, not a string). */
    public static final String METER_REGISTRY_CONFIG = "hybridcast.meter.registry";
    /** Records dropped because they could not be produced, tagged by topic and reason. */
    public static final String METRIC = "hybridcast.records.unproducible";

    private static final Logger LOG = LoggerFactory.getLogger(UnproducibleRecordHandler.class);

    private MeterRegistry registry;

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(METER_REGISTRY_CONFIG);
        registry = value instanceof MeterRegistry r ? r : null;
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException
                || exception instanceof InvalidRecordException) {
            return drop(context, record, exception, exception.getClass().getSimpleName());
        }
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        return drop(context, record, exception, "serialization-" + origin.name().toLowerCase(java.util.Locale.ROOT));
    }

    private Response drop(ErrorHandlerContext context, ProducerRecord<?, ?> record, Exception exception, String why) {
        LOG.error("Dropping a record to {} that cannot be produced ({}), caused by input {}-{}@{}: {}",
                record.topic(), why, context.topic(), context.partition(), context.offset(), exception.toString());
        if (registry != null) {
            Counter.builder(METRIC).description("Output records dropped because they could not be produced")
                    .tag("topic", String.valueOf(record.topic())).tag("reason", why).register(registry).increment();
        }
        return Response.resume();
    }
}
