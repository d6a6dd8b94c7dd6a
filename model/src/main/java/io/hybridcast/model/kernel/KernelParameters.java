package io.hybridcast.model.kernel;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundle's parameter bytes (the format of {@code HybridVae#writeParameters}: count, then per array its id,
 * shape and float32 values) read into plain arrays, and the networks of the hybrid VAE rebuilt from them by id.
 */
final class KernelParameters {

    /** One stored array. */
    record Tensor(long[] shape, float[] values) {
    }

    private final Map<String, Tensor> byId;

    private KernelParameters(Map<String, Tensor> byId) {
        this.byId = byId;
    }

    /** Reads parameter bytes; refuses bytes that do not parse, naming where. */
    static KernelParameters read(byte[] parameters) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                long[] shape = new long[in.readInt()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                }
                float[] values = new float[in.readInt()];
                for (int k = 0; k < values.length; k++) {
                    values[k] = in.readFloat();
                }
                out.put(name, new Tensor(shape, values));
            }
        } catch (IOException e) {
            throw new KernelUnsupportedException("the parameters cannot be read: " + e.getMessage());
        }
        return new KernelParameters(out);
    }

    /**
     * The Linear layers of block {@code block} in order ({@code block.01Linear_weight}, {@code block.01Linear_bias},
     * {@code block.03Linear_weight}, ...), as an MLP.
     */
    Dense.Mlp mlp(String block) {
        List<Dense> layers = new ArrayList<>();
        Tensor pendingWeight = null;
        for (Map.Entry<String, Tensor> e : byId.entrySet()) {
            String id = e.getKey();
            if (!id.startsWith(block + ".")) {
                continue;
            }
            if (id.endsWith("weight")) {
                pendingWeight = e.getValue();
            } else if (id.endsWith("bias") && pendingWeight != null) {
                long[] shape = pendingWeight.shape();
                layers.add(new Dense((int) shape[1], (int) shape[0], pendingWeight.values(), e.getValue().values()));
                pendingWeight = null;
            } else {
                throw new KernelUnsupportedException("parameter " + id + " is neither a Linear weight nor its bias");
            }
        }
        if (layers.isEmpty()) {
            throw new KernelUnsupportedException("the parameters hold no block " + block);
        }
        return new Dense.Mlp(layers.toArray(new Dense[0]));
    }
}
