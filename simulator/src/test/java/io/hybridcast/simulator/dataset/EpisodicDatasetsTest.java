package io.hybridcast.simulator.dataset;

import io.hybridcast.avro.SystemKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpisodicDatasetsTest {

    @Test
    void pendulumDatasetHasShapesRangesAndTaskSharedFactors() {
        DatasetSpec spec = DatasetSpec.defaults(SystemKind.PENDULUM, 4, 5);
        EpisodicDataset d = EpisodicDatasets.generate(spec, 7L);

        assertThat(d.size()).isEqualTo(20);
        assertThat(d.steps()).isEqualTo(50);
        assertThat(d.channels()).isEqualTo(1);
        assertThat(d.stateDim()).isEqualTo(2);
        assertThat(d.dt()).isEqualTo(0.05);
        assertThat(d.physicsNames()).containsExactly("omega");
        assertThat(d.unmodelledNames()).containsExactly("gamma", "A", "f");
        assertThat(d.taskCount()).isEqualTo(4);
        for (int i = 0; i < d.size(); i++) {
            assertThat(d.taskIds()[i]).isEqualTo(i / 5);
            assertThat(d.physics()[i][0]).isBetween(0.785, 3.14);
            assertThat(d.initialStates()[i][0]).isBetween(-1.57, 1.57);
            assertThat(d.initialStates()[i][1]).isZero();
            // step 0 observes the initial angle plus noise of std 0.01
            assertThat(d.observations()[i][0][0]).isCloseTo(d.initialStates()[i][0],
                    org.assertj.core.api.Assertions.within(0.06));
            double[] u = d.unmodelled()[i];
            assertThat(u[0]).isBetween(0.0, 0.8);
            assertThat(u[1]).isBetween(0.0, 40.0);
            assertThat(u[2]).isBetween(3.14, 6.28);
            // a task shares its unmodelled factors; omega and the start vary inside it
            int first = d.taskIds()[i] * 5;
            assertThat(u).containsExactly(d.unmodelled()[first]);
            if (i != first) {
                assertThat(d.physics()[i][0]).isNotEqualTo(d.physics()[first][0]);
                assertThat(d.initialStates()[i][0]).isNotEqualTo(d.initialStates()[first][0]);
            }
        }
        assertThat(d.unmodelled()[0]).isNotEqualTo(d.unmodelled()[5]);
    }

    @Test
    void sameSeedSameDataAndOtherSeedOtherData() {
        DatasetSpec spec = DatasetSpec.defaults(SystemKind.DOUBLE_PENDULUM, 2, 3).withSteps(10);
        EpisodicDataset a = EpisodicDatasets.generate(spec, 42L);
        EpisodicDataset b = EpisodicDatasets.generate(spec, 42L);
        EpisodicDataset c = EpisodicDatasets.generate(spec, 43L);
        assertThat(Arrays.deepEquals(a.observations(), b.observations())).isTrue();
        assertThat(Arrays.deepEquals(a.physics(), b.physics())).isTrue();
        assertThat(Arrays.deepEquals(a.observations(), c.observations())).isFalse();
        assertThat(a.steps()).isEqualTo(10);
        assertThat(a.channels()).isEqualTo(2);
        assertThat(a.stateDim()).isEqualTo(4);
    }

    @Test
    void noiseIsAddedWithTheRequestedStd() {
        DatasetSpec clean = DatasetSpec.defaults(SystemKind.ADVECTION_DIFFUSION, 3, 1).withNoiseStd(0.0);
        DatasetSpec noisy = clean.withNoiseStd(0.05);
        EpisodicDataset a = EpisodicDatasets.generate(clean, 5L);
        EpisodicDataset b = EpisodicDatasets.generate(noisy, 5L);
        // same seed: same draws (noise is drawn even at std 0), so the difference is the noise alone
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.physics()[i]).containsExactly(a.physics()[i]);
            for (int k = 0; k < a.steps(); k++) {
                for (int ch = 0; ch < a.channels(); ch++) {
                    double diff = b.observations()[i][k][ch] - a.observations()[i][k][ch];
                    sum += diff;
                    sumSq += diff * diff;
                    count++;
                }
            }
        }
        double std = Math.sqrt(sumSq / count - (sum / count) * (sum / count));
        assertThat(std).isBetween(0.045, 0.055);
    }

    @Test
    void writeThenReadRoundTripsEverything(@TempDir Path dir) {
        EpisodicDataset d = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, 3, 2).withSteps(8), 1L);
        EpisodicDatasets.write(d, dir, "train");
        EpisodicDataset r = EpisodicDatasets.read(dir, "train");
        assertThat(r.system()).isEqualTo(d.system());
        assertThat(r.dt()).isEqualTo(d.dt());
        assertThat(r.taskIds()).containsExactly(d.taskIds());
        assertThat(Arrays.deepEquals(r.observations(), d.observations())).isTrue();
        assertThat(Arrays.deepEquals(r.initialStates(), d.initialStates())).isTrue();
        assertThat(Arrays.deepEquals(r.physics(), d.physics())).isTrue();
        assertThat(Arrays.deepEquals(r.unmodelled(), d.unmodelled())).isTrue();
        assertThat(r.physicsNames()).containsExactly(d.physicsNames());
        assertThat(r.unmodelledNames()).containsExactly(d.unmodelledNames());
    }

    @Test
    void observationsFileIsLittleEndianFloat64InRowMajorOrder(@TempDir Path dir) throws IOException {
        EpisodicDataset d = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.DOUBLE_PENDULUM, 1, 2).withSteps(3), 9L);
        EpisodicDatasets.write(d, dir, "test");
        byte[] bytes = Files.readAllBytes(dir.resolve("test.observations.bin"));
        assertThat(bytes).hasSize(2 * 3 * 2 * 8);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        // element [1][2][1] sits at ((1*3)+2)*2+1 = 11
        assertThat(buf.getDouble(11 * 8)).isEqualTo(d.observations()[1][2][1]);
        assertThat(Files.readString(dir.resolve("test.json"))).contains("\"format\" : \"hybridcast-episodic\"");
    }

    @Test
    void truncatedOrMissingFilesAreNamedInTheError(@TempDir Path dir) throws IOException {
        EpisodicDataset d = EpisodicDatasets.generate(DatasetSpec.defaults(SystemKind.PENDULUM, 1, 2).withSteps(4), 3L);
        EpisodicDatasets.write(d, dir, "valid");
        Path obs = dir.resolve("valid.observations.bin");
        byte[] bytes = Files.readAllBytes(obs);
        Files.write(obs, Arrays.copyOf(bytes, bytes.length - 8));
        assertThatThrownBy(() -> EpisodicDatasets.read(dir, "valid"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("valid.observations.bin").hasMessageContaining("expected " + bytes.length);
        assertThatThrownBy(() -> EpisodicDatasets.read(dir, "nope"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("nope.json");
        assertThatThrownBy(() -> EpisodicDatasets.write(d, dir, "../evil"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../evil");
    }

    @Test
    void badSpecsNameTheSettingAndValue() {
        assertThatThrownBy(() -> DatasetSpec.defaults(SystemKind.PENDULUM, 0, 1))
                .hasMessageContaining("tasks").hasMessageContaining("0");
        assertThatThrownBy(() -> DatasetSpec.defaults(SystemKind.PENDULUM, 1, 1).withSteps(1))
                .hasMessageContaining("steps").hasMessageContaining("1");
        assertThatThrownBy(() -> DatasetSpec.defaults(SystemKind.PENDULUM, 1, 1).withPhysicsRange(3.0, 2.0))
                .hasMessageContaining("physics range").hasMessageContaining("3.0");
        assertThatThrownBy(() -> DatasetSpec.defaults(SystemKind.PENDULUM, 1, 1).withNoiseStd(-1))
                .hasMessageContaining("noiseStd").hasMessageContaining("-1");
    }

    @Test
    void physicsRangeOverrideIsHonoured() {
        EpisodicDataset d = EpisodicDatasets.generate(
                DatasetSpec.defaults(SystemKind.PENDULUM, 10, 1).withSteps(2).withPhysicsRange(3.2, 3.5), 11L);
        for (double[] p : d.physics()) {
            assertThat(p[0]).isBetween(3.2, 3.5);
        }
    }
}
