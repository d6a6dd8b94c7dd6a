package io.hybridcast.streams.topology;

import io.hybridcast.avro.Forecast;
import io.hybridcast.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a forecast goes: the forecasts topic and the sensor's latest forecast ({@link StoreNames#LATEST_FORECASTS}),
 * encoded once for both. The store keeps the topic's bytes (the same serde), so the stored bytes are what a typed
 * store held, and readers decode them with {@link #decode}.
 *
 * <p>Why: the forecast was encoded twice (by the sink and by the typed store), and its mean and band were lists of
 * boxed doubles that the encoder wrote one by one; both were a third of the forecaster's cost of publishing a
 * forecast (JFR, docs/decisions.md "A cheaper non-model path"). The rows are Avro's primitive double arrays, which
 * the compiled writer copies in one block.
 */
public final class ForecastOutput {

    private static final Serializer<Forecast> SERIALIZER = Topics.FORECASTS.valueSerde().serializer();
    private static final Deserializer<Forecast> DESERIALIZER = Topics.FORECASTS.valueSerde().deserializer();
    /** array&lt;double&gt;: a row of a forecast's mean or band, and the neural latents. */
    private static final Schema ROW = Forecast.SCHEMA$.getField("neuralLatents").schema();

    private final ProcessorContext<Object, Object> context;
    private final KeyValueStore<String, byte[]> latest;

    ForecastOutput(ProcessorContext<Object, Object> context, KeyValueStore<String, byte[]> latest) {
        this.context = context;
        this.latest = latest;
    }

    /** Sends the forecast to the forecasts topic and keeps it as the sensor's latest. */
    void publish(String sensorId, Forecast forecast, long time) {
        byte[] bytes = SERIALIZER.serialize(Topics.FORECASTS.name(), forecast);
        context.forward(new Record<Object, Object>(sensorId, bytes, time), TopologyFactory.FORECASTS_SINK);
        latest.put(sensorId, bytes);
    }

    /** A latest forecast as stored (null stays null). */
    public static Forecast decode(byte[] stored) {
        return stored == null ? null : DESERIALIZER.deserialize(StoreNames.LATEST_FORECASTS, stored);
    }

    /** A matrix as Avro rows of primitive doubles (no boxing, one block per row when encoded). */
    static List<List<Double>> rows(double[][] m) {
        List<List<Double>> rows = new ArrayList<>(m.length);
        for (double[] r : m) {
            rows.add(row(r));
        }
        return rows;
    }

    /** A vector as Avro's primitive double array. */
    static List<Double> row(double[] values) {
        PrimitivesArrays.DoubleArray row = new PrimitivesArrays.DoubleArray(values.length, ROW);
        for (int i = 0; i < values.length; i++) {
            row.add(i, values[i]);
        }
        return row;
    }
}
