package io.hybridcast.trainer.service;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.kafka.KafkaClientConfig;

import java.time.Duration;

/**
 * Every setting of the continuous trainer, validated: a bad value names the setting and the value. The
 * command line ({@link ServiceCommand}) fills it from flags, environment variables
 * ({@code HYBRIDCAST_TRAINER_*}) or an argument file ({@code @trainer.args}).
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param system             the system kind this trainer serves
 * @param algorithm          meta-hybrid-vae or phys-vae
 * @param interval           train every this long (checked between runs)
 * @param minNewReadings     ... or as soon as this many new readings arrived (0 = off)
 * @param minNewAnomalies    ... or as soon as this many anomalies were flagged since the last run: the world
 *                           changed (0 = off)
 * @param maxReadingsPerPartition bound of the readings snapshot per partition
 * @param windowLength       samples per training window (must match the streams app's)
 * @param horizon            forecast steps the model must support and is scored on
 * @param hop                samples between window starts
 * @param contextSize        K for meta models
 * @param epochs             epochs per training run (warm-started runs)
 * @param bootstrapEpochs    epochs of the very first model (trained from scratch)
 * @param heldOutFraction    newest share of each sensor's samples held out for scoring
 * @param promotion          BETTER: publish only a candidate that beats the served version (default);
 *                           ALWAYS: publish every finite candidate (bootstrapping, tests, manual retrains)
 * @param spreadTolerance    promotion: the candidate's z_p spread may be at most this factor of the served one
 * @param hmacKey            signing key shared with the streams app; required unless {@code allowUnsigned}
 * @param seed               training seed (incremented per run)
 * @param allowUnsigned      publish unsigned versions without a key, and accept unsigned ones as the served
 *                           version (the streams app's {@code model.allow.unsigned}); default false
 * @param kafkaConfig        Kafka client properties file (security settings) for every client; none by default
 */
public record TrainerSettings(String bootstrapServers, SystemKind system, String algorithm, Duration interval,
                              long minNewReadings, long minNewAnomalies, long maxReadingsPerPartition, int windowLength, int horizon,
                              int hop, int contextSize, int epochs, int bootstrapEpochs, double heldOutFraction,
                              Promotion promotion, double spreadTolerance, String hmacKey, long seed,
                              boolean allowUnsigned, KafkaClientConfig kafkaConfig) {

    /** Which candidates are published. */
    public enum Promotion { BETTER, ALWAYS }

    public TrainerSettings {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap-servers", bootstrapServers,
                "host:port[,host:port]");
        require(system != null, "system", system, "PENDULUM, ADVECTION_DIFFUSION or DOUBLE_PENDULUM");
        require("meta-hybrid-vae".equals(algorithm) || "phys-vae".equals(algorithm), "algorithm", algorithm,
                "meta-hybrid-vae or phys-vae");
        require(interval != null && !interval.isNegative() && !interval.isZero(), "interval", interval, "> 0");
        require(minNewReadings >= 0, "min-new-readings", minNewReadings, ">= 0");
        require(minNewAnomalies >= 0, "min-new-anomalies", minNewAnomalies, ">= 0");
        require(maxReadingsPerPartition >= 100, "max-readings-per-partition", maxReadingsPerPartition, ">= 100");
        require(windowLength >= 4, "window-length", windowLength, ">= 4");
        require(horizon >= 1, "horizon", horizon, ">= 1");
        require(hop >= 1, "hop", hop, ">= 1");
        require(contextSize >= 0, "context-size", contextSize, ">= 0");
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(bootstrapEpochs >= 1, "bootstrap-epochs", bootstrapEpochs, ">= 1");
        require(heldOutFraction > 0 && heldOutFraction < 1, "held-out-fraction", heldOutFraction, "in (0, 1)");
        require(promotion != null, "promotion", promotion, "BETTER or ALWAYS");
        require(spreadTolerance >= 1, "spread-tolerance", spreadTolerance, ">= 1");
        require(kafkaConfig != null, "kafka-config", kafkaConfig, "a file or none");
        if ((hmacKey == null || hmacKey.isEmpty()) && !allowUnsigned) {
            throw new IllegalArgumentException("Setting --hmac-key (HYBRIDCAST_TRAINER_HMAC_KEY) is empty: versions "
                    + "would be published unsigned, which the streams app and the trainer refuse. Give the key the "
                    + "streams app has as model.hmac.key, or set --allow-unsigned (model.allow.unsigned=true) to "
                    + "publish and accept unsigned versions");
        }
    }

    /** Settings with signatures required ({@code allowUnsigned} false), without a Kafka client properties file. */
    public TrainerSettings(String bootstrapServers, SystemKind system, String algorithm, Duration interval,
                           long minNewReadings, long minNewAnomalies, long maxReadingsPerPartition, int windowLength,
                           int horizon, int hop, int contextSize, int epochs, int bootstrapEpochs,
                           double heldOutFraction, Promotion promotion, double spreadTolerance, String hmacKey,
                           long seed) {
        this(bootstrapServers, system, algorithm, interval, minNewReadings, minNewAnomalies, maxReadingsPerPartition,
                windowLength, horizon, hop, contextSize, epochs, bootstrapEpochs, heldOutFraction, promotion,
                spreadTolerance, hmacKey, seed, false, KafkaClientConfig.none());
    }

    /** Settings without a Kafka client properties file (a plaintext cluster). */
    public TrainerSettings(String bootstrapServers, SystemKind system, String algorithm, Duration interval,
                           long minNewReadings, long minNewAnomalies, long maxReadingsPerPartition, int windowLength,
                           int horizon, int hop, int contextSize, int epochs, int bootstrapEpochs,
                           double heldOutFraction, Promotion promotion, double spreadTolerance, String hmacKey,
                           long seed, boolean allowUnsigned) {
        this(bootstrapServers, system, algorithm, interval, minNewReadings, minNewAnomalies, maxReadingsPerPartition,
                windowLength, horizon, hop, contextSize, epochs, bootstrapEpochs, heldOutFraction, promotion,
                spreadTolerance, hmacKey, seed, allowUnsigned, KafkaClientConfig.none());
    }

    /** A copy whose Kafka clients also get this client properties file. */
    public TrainerSettings withKafkaConfig(KafkaClientConfig value) {
        return new TrainerSettings(bootstrapServers, system, algorithm, interval, minNewReadings, minNewAnomalies,
                maxReadingsPerPartition, windowLength, horizon, hop, contextSize, epochs, bootstrapEpochs,
                heldOutFraction, promotion, spreadTolerance, hmacKey, seed, allowUnsigned, value);
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("Setting --" + name + " must be " + expected + ", got " + value);
        }
    }
}
