package io.hybridcast.trainer.service;

import io.hybridcast.avro.SystemKind;
import io.hybridcast.schemas.kafka.KafkaClientConfig;

import java.time.Duration;

/**
 * Every setting of the continuous trainer, validated: a bad value names the setting and the value. Made with
 * {@link #builder()}; the command line ({@link ServiceCommand}) fills it from flags, environment variables
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

    /** A builder with the service's defaults; the bootstrap servers, the system and the signing key are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link TrainerSettings}: {@code setX} for the required values (bootstrap servers, system, signing
     * key unless {@link Builder#optAllowUnsigned unsigned}), {@code optX} for the rest, whose defaults are those
     * of {@code trainer service}. {@link #build()} validates every value.
     */
    public static final class Builder {
        private String bootstrapServers;
        private SystemKind system;
        private String hmacKey;
        private String algorithm = "meta-hybrid-vae";
        private Duration interval = Duration.ofMinutes(5);
        private long minNewReadings;
        private long minNewAnomalies;
        private long maxReadingsPerPartition = 50_000;
        private int windowLength = 50;
        private int horizon = 20;
        private int hop = 10;
        private int contextSize = 5;
        private int epochs = 5;
        private int bootstrapEpochs = 10;
        private double heldOutFraction = 0.2;
        private Promotion promotion = Promotion.BETTER;
        private double spreadTolerance = 1.1;
        private long seed = 1;
        private boolean allowUnsigned;
        private KafkaClientConfig kafkaConfig = KafkaClientConfig.none();

        private Builder() {
        }

        public Builder setBootstrapServers(String value) {
            bootstrapServers = value;
            return this;
        }

        public Builder setSystem(SystemKind value) {
            system = value;
            return this;
        }

        public Builder setHmacKey(String value) {
            hmacKey = value;
            return this;
        }

        public Builder optAlgorithm(String value) {
            algorithm = value;
            return this;
        }

        public Builder optInterval(Duration value) {
            interval = value;
            return this;
        }

        public Builder optMinNewReadings(long value) {
            minNewReadings = value;
            return this;
        }

        public Builder optMinNewAnomalies(long value) {
            minNewAnomalies = value;
            return this;
        }

        public Builder optMaxReadingsPerPartition(long value) {
            maxReadingsPerPartition = value;
            return this;
        }

        /** Window length, horizon and hop: must match the streams app's. */
        public Builder optWindows(int length, int horizonSteps, int hopSamples) {
            windowLength = length;
            horizon = horizonSteps;
            hop = hopSamples;
            return this;
        }

        public Builder optContextSize(int value) {
            contextSize = value;
            return this;
        }

        /** Epochs of a warm-started run and of the first model trained from scratch. */
        public Builder optEpochs(int warmStarted, int fromScratch) {
            epochs = warmStarted;
            bootstrapEpochs = fromScratch;
            return this;
        }

        public Builder optHeldOutFraction(double value) {
            heldOutFraction = value;
            return this;
        }

        public Builder optPromotion(Promotion value) {
            promotion = value;
            return this;
        }

        public Builder optSpreadTolerance(double value) {
            spreadTolerance = value;
            return this;
        }

        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        public Builder optAllowUnsigned(boolean value) {
            allowUnsigned = value;
            return this;
        }

        public Builder optKafkaConfig(KafkaClientConfig value) {
            kafkaConfig = value;
            return this;
        }

        public TrainerSettings build() {
            return new TrainerSettings(bootstrapServers, system, algorithm, interval, minNewReadings, minNewAnomalies,
                    maxReadingsPerPartition, windowLength, horizon, hop, contextSize, epochs, bootstrapEpochs,
                    heldOutFraction, promotion, spreadTolerance, hmacKey, seed, allowUnsigned, kafkaConfig);
        }
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("Setting --" + name + " must be " + expected + ", got " + value);
        }
    }
}
