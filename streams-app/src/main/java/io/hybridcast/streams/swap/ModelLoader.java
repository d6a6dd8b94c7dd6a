package io.hybridcast.streams.swap;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.streams.inference.ServingModel;

/** Turns a verified, reassembled model payload into a model ready to serve. */
@FunctionalInterface
public interface ModelLoader {

    /**
     * @param header  the version's metadata (first chunk; payload field not used)
     * @param payload the whole reassembled payload, already checked against its SHA-256 and signature
     * @throws Exception when the payload is not a model this build can load
     */
    ServingModel load(ModelVersion header, byte[] payload) throws Exception;
}
