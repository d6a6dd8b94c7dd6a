package io.hybridcast.streams.swap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridcast.avro.ModelVersion;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.vae.HybridVae;
import io.hybridcast.streams.inference.HybridServingModel;
import io.hybridcast.streams.inference.ServingModel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Loads a model bundle published on {@code model-versions}: a zip holding {@value #MANIFEST} (the
 * {@link ModelSpec} as JSON) and {@value #PARAMETERS} (every parameter of {@link HybridVae#parameters} by
 * name: shape and float32 values). Each stream thread gets its own {@link HybridVae} built from the same
 * bytes. (The model module's own bundle format, once published, replaces this one; parameters are written
 * by name here because {@code HybridVae.saveParameters} currently fails on a trained model, see the
 * streams-app docs.)
 */
public final class BundleModelLoader implements ModelLoader {

    public static final String MANIFEST = "manifest.json";
    public static final String PARAMETERS = "parameters.bin";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Parent of every loaded model's own sub-manager; lives as long as the process. */
    private static final NDManager ROOT = NDManager.newBaseManager();

    @Override
    public ServingModel load(ModelVersion header, byte[] payload) throws IOException {
        ModelSpec spec = null;
        byte[] parameters = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(payload))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (entry.getName().equals(MANIFEST)) {
                    spec = JSON.readValue(zip.readAllBytes(), ModelSpec.class);
                } else if (entry.getName().equals(PARAMETERS)) {
                    parameters = zip.readAllBytes();
                }
            }
        }
        if (spec == null || parameters == null) {
            throw new IOException("the bundle lacks " + (spec == null ? MANIFEST : PARAMETERS));
        }
        if (!spec.algorithm().equals(header.getAlgorithm())) {
            throw new IOException("the bundle holds a " + spec.algorithm() + " model, published as "
                    + header.getAlgorithm());
        }
        ModelSpec finalSpec = spec;
        byte[] finalParameters = parameters;
        return new HybridServingModel(header.getSystem(), header.getVersion(), () -> {
            HybridVae model = new HybridVae(finalSpec, ROOT, 0);
            try {
                readParameters(model, new DataInputStream(new ByteArrayInputStream(finalParameters)));
                return model;
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
        });
    }

    private static Map<String, Parameter> allParameters(HybridVae model) {
        Map<String, Parameter> all = new LinkedHashMap<>(model.parameters(true));
        all.putAll(model.parameters(false));
        return all;
    }

    private static void writeParameters(HybridVae model, DataOutputStream out) throws IOException {
        Map<String, Parameter> all = allParameters(model);
        out.writeInt(all.size());
        for (Map.Entry<String, Parameter> e : all.entrySet()) {
            NDArray array = e.getValue().getArray();
            out.writeUTF(e.getKey());
            long[] shape = array.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
            out.writeInt(values.length);
            for (float v : values) {
                out.writeFloat(v);
            }
        }
    }

    private static void readParameters(HybridVae model, DataInputStream in) throws IOException {
        Map<String, Parameter> all = allParameters(model);
        int n = in.readInt();
        if (n != all.size()) {
            throw new IOException("the bundle has " + n + " parameters, the model spec needs " + all.size());
        }
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            float[] values = new float[in.readInt()];
            for (int k = 0; k < values.length; k++) {
                values[k] = in.readFloat();
            }
            Parameter parameter = all.get(name);
            if (parameter == null || !parameter.getArray().getShape().equals(new Shape(shape))) {
                throw new IOException("parameter " + name + " " + new Shape(shape) + " does not fit the model spec");
            }
            parameter.getArray().set(FloatBuffer.wrap(values));
        }
    }

    /** Writes a bundle of a trained model (what a publisher puts in the payload). */
    public static byte[] bundle(HybridVae model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(JSON.writeValueAsBytes(model.spec()));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(PARAMETERS));
            DataOutputStream out = new DataOutputStream(zip);
            writeParameters(model, out);
            out.flush();
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
