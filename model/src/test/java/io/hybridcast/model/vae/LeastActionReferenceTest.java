package io.hybridcast.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.training.TrainingConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The least-action term with the drive kept out of it ({@link TrainingConfig#leastActionKeepsDrive()}): measured
 * against physics + drive, it is zero for a model whose in-ODE net and output residual are zero however strong its
 * drive is (against the physics alone it is not), it still sees what the in-ODE net adds, and the third solve
 * leaves the other reconstructions as they were.
 */
class LeastActionReferenceTest {

    private static final int T = 50;

    private static ModelSpec pendulum(boolean drive) {
        return LeanDecoderTest.spec("PENDULUM", true, true, "rk4").toBuilder().optDrive(drive).build();
    }

    /** Two windows' initial states (θ, θ', c₀, s₀, W), the drive's force {@code force}. */
    private static NDArray states(NDManager m, double force) {
        return m.create(new float[] {0.3f, -0.5f, (float) force, (float) (-0.6 * force), 21f,
                -0.8f, 1.1f, (float) (-0.4 * force), (float) force, 34f}, new Shape(2, 5));
    }

    @Test
    void aDriveWithoutAnInOdeNetCostsNothingAgainstPhysicsPlusDrive() {
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(pendulum(true), m, 4);
             NDManager step = m.newSubManager()) {
            Networks.zeroLastLayer(model.odeNet);
            Networks.zeroLastLayer(model.residualNet);
            NDArray zp = step.create(new float[] {1.3f, 2.6f}, new Shape(2, 1));
            NDArray zn = step.zeros(new Shape(2, 3));
            NDArray s0 = states(step, 400);
            HybridVae.Decoded plain = model.decode(zp, zn, s0, T, false);
            HybridVae.Decoded kept = model.decode(zp, zn, s0, T, false, true);
            double againstPhysics = HybridVaeLoss.leastAction(plain, model.constants()).sum().getFloat();
            double againstDrive = HybridVaeLoss.leastAction(kept, model.constants()).sum().getFloat();
            double driveEnergy = plain.xPA().sub(plain.xP()).square().sum().getFloat();
            assertThat(driveEnergy).as("what the drive moves θ by, Σ(x_PA − x_P)²").isGreaterThan(0.1);
            assertThat(againstPhysics).as("penalty against the physics alone").isGreaterThan(0.25 * driveEnergy);
            assertThat(againstDrive).as("penalty against physics + drive").isLessThan(1e-9 * driveEnergy);
            assertThat(kept.xPD().sub(kept.xPA()).abs().max().getFloat()).as("x_PD = x_PA").isLessThan(1e-5f);
        }
    }

    @Test
    void anInOdeNetIsStillPenalisedAndTheOtherReconstructionsDoNotMove() {
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(pendulum(true), m, 4);
             NDManager step = m.newSubManager()) {
            NDArray zp = step.create(new float[] {1.3f, 2.6f}, new Shape(2, 1));
            NDArray zn = step.randomNormal(new Shape(2, 3));
            // with no drive, x_PD is x_P and both references give the same penalty: the net's and residual's
            HybridVae.Decoded plainFree = model.decode(zp, zn, states(step, 0), T, false);
            HybridVae.Decoded keptFree = model.decode(zp, zn, states(step, 0), T, false, true);
            double net = HybridVaeLoss.leastAction(plainFree, model.constants()).sum().getFloat();
            assertThat(net).as("the untrained net's and residual's penalty").isGreaterThan(1e-4);
            assertThat((double) HybridVaeLoss.leastAction(keptFree, model.constants()).sum().getFloat())
                    .isCloseTo(net, org.assertj.core.data.Offset.offset(1e-4 * net));
            // with a drive, the third half changes none of x_P, x_PA, x_PB, x_PAB
            HybridVae.Decoded plain = model.decode(zp, zn, states(step, 400), T, false);
            HybridVae.Decoded kept = model.decode(zp, zn, states(step, 400), T, false, true);
            for (NDArray[] pair : new NDArray[][] {{plain.xP(), kept.xP()}, {plain.xPA(), kept.xPA()},
                    {plain.xPB(), kept.xPB()}, {plain.xPAB(), kept.xPAB()}}) {
                assertThat(pair[0].sub(pair[1]).abs().max().getFloat()).isLessThan(1e-5f);
            }
            assertThat(plain.xPD()).isNull();
            assertThat(HybridVaeLoss.leastAction(kept, model.constants()).sum().getFloat()).as("net under a drive")
                    .isGreaterThan(0f);
        }
    }

    @Test
    void theSettingNeedsTheDrive() {
        TrainingConfig config = TrainingConfig.defaults("PENDULUM", 1, 0).toBuilder().optLeastActionKeepsDrive(true)
                .build();
        try (NDManager m = NDManager.newBaseManager(); HybridVae model = new HybridVae(pendulum(false), m, 4)) {
            assertThatThrownBy(() -> new HybridVaeLoss(model, config)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("leastActionKeepsDrive");
        }
        assertThat(TrainingConfig.defaults("PENDULUM", 1, 0).leastActionKeepsDrive()).isFalse();
    }
}
