package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a {@link HybridVae} by unique id, in two groups (the physics head; everything else), and
 * their binary form in a bundle. By id rather than DJL's positional block format, so that a mismatch between a
 * bundle and the code reading it is named, not guessed.
 */
final class ParameterCodec {

    private final String algorithm;
    private final Map<String, Block> physicsBlocks;
    private final Map<String, Block> neuralBlocks;

    /**
     * @param algorithm     the model's algorithm id, for error messages
     * @param physicsBlocks the blocks of the physics group by name, in their fixed order
     * @param neuralBlocks  the blocks of the neural group by name, in their fixed order
     */
    ParameterCodec(String algorithm, Map<String, Block> physicsBlocks, Map<String, Block> neuralBlocks) {
        this.algorithm = algorithm;
        this.physicsBlocks = physicsBlocks;
        this.neuralBlocks = neuralBlocks;
    }

    /** Every trainable parameter of one group by its unique id. */
    Map<String, Parameter> parameters(boolean physicsGroup) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        (physicsGroup ? physicsBlocks : neuralBlocks).forEach((name, block) -> {
            for (Pair<String, Parameter> p : block.getParameters()) {
                out.put(name + "." + p.getKey(), p.getValue());
            }
        });
        return out;
    }

    /** Both groups, physics first, in a fixed order. */
    Map<String, Parameter> all() {
        Map<String, Parameter> out = new LinkedHashMap<>(parameters(true));
        out.putAll(parameters(false));
        return out;
    }

    /** Writes every parameter by id with its shape and float32 values. */
    void write(DataOutputStream out) throws IOException {
        Map<String, Parameter> all = all();
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

    /** Reads parameters written by {@link #write}; refuses any that do not fit this model's spec. */
    void read(DataInputStream in) throws IOException {
        Map<String, Parameter> all = all();
        int count = in.readInt();
        if (count != all.size()) {
            throw new IOException("the parameters hold " + count + " arrays, a " + algorithm + " model of this "
                    + "spec has " + all.size());
        }
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            int size = in.readInt();
            Parameter parameter = all.get(name);
            if (parameter == null) {
                throw new IOException("parameter " + name + " is not part of a " + algorithm + " model");
            }
            if (!parameter.getArray().getShape().equals(new Shape(shape))) {
                throw new IOException("parameter " + name + " has shape " + new Shape(shape) + ", the model spec needs "
                        + parameter.getArray().getShape());
            }
            float[] values = new float[size];
            for (int k = 0; k < size; k++) {
                values[k] = in.readFloat();
            }
            parameter.getArray().set(java.nio.FloatBuffer.wrap(values));
        }
    }
}
