package io.hybridcast.model.kernel;

import ai.djl.ndarray.NDManager;
import io.hybridcast.model.api.ModelSpec;
import io.hybridcast.model.bundle.ModelBundle;
import io.hybridcast.model.vae.HybridVae;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The serving kernel pinned to DJL (the reference) through the golden set each bundle carries: every system, both
 * solvers, both physics head maps, meta and not, the physics-only and neural-only ablations, on both backends.
 */
class KernelVsDjlTest {

    static ModelSpec spec(String system, String solver, boolean neural, boolean physics, boolean meta, String head) {
        return switch (system) {
            case "PENDULUM" -> ModelSpec.builder().setSystem(system).setAlgorithm("meta-hybrid-vae")
                    .setWindowLength(50).setChannels(1).setDt(0.05).optMaxHorizon(20).setPhysicsName("omega")
                    .setPhysicsRange(0.392, 3.53).setNeuralLatents(2).setHidden(32).setEmbedding(16).optSolver(solver)
                    .optUseNeural(neural).optUsePhysics(physics).optMeta(meta).optPhysicsHeadMap(head).build();
            case "ADVECTION_DIFFUSION" -> ModelSpec.builder().setSystem(system).setAlgorithm("meta-hybrid-vae")
                    .setWindowLength(30).setChannels(20).setDt(0.02).optMaxHorizon(10).setPhysicsName("D")
                    .setPhysicsRange(0.01, 0.2).setNeuralLatents(2).setHidden(32).setEmbedding(16).optSolver(solver)
                    .optUseNeural(neural).optUsePhysics(physics).optMeta(meta).optPhysicsHeadMap(head).build();
            default -> ModelSpec.builder().setSystem(system).setAlgorithm("meta-hybrid-vae").setWindowLength(40)
                    .setChannels(2).setDt(0.05).optMaxHorizon(10).setPhysicsName("g_over_l").setPhysicsRange(1, 12)
                    .setNeuralLatents(2).setHidden(32).setEmbedding(16).optSubsteps(2).optSolver(solver)
                    .optUseNeural(neural).optUsePhysics(physics).optMeta(meta).optPhysicsHeadMap(head).build();
        };
    }

    static List<ModelSpec> everyShape() {
        List<ModelSpec> specs = new ArrayList<>();
        for (String system : new String[] {"PENDULUM", "ADVECTION_DIFFUSION", "DOUBLE_PENDULUM"}) {
            specs.add(spec(system, "rk4", true, true, true, ModelSpec.HEAD_SIGMOID));
            specs.add(spec(system, "euler", true, true, false, ModelSpec.HEAD_CLAMP));
            specs.add(spec(system, "rk4", false, true, true, ModelSpec.HEAD_SIGMOID));
            specs.add(spec(system, "euler", true, false, true, ModelSpec.HEAD_SIGMOID));
        }
        return specs;
    }

    @Test
    void kernelMatchesDjlForEverySystemSolverHeadMapAndAblationOnBothBackends() throws Exception {
        for (ModelSpec spec : everyShape()) {
            try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 3)) {
                byte[] bundle = ModelBundle.write(vae, Map.of(), "{}");
                GoldenSet golden = ModelBundle.golden(bundle).orElseThrow();
                byte[] parameters = ModelBundle.read(bundle).parameters();
                for (ServingKernel.Backend backend : ServingKernel.Backend.values()) {
                    ServingKernel kernel = ServingKernel.of(spec, parameters, backend);
                    GoldenSet.Verdict verdict = golden.check(kernel);
                    String what = spec.system() + " " + spec.solver() + " neural=" + spec.useNeural() + " physics="
                            + spec.usePhysics() + " meta=" + spec.meta() + " " + spec.physicsHeadMap() + " " + backend;
                    // measured: 3e-7 to 2e-6 of the signal's scale everywhere
                    assertThat(verdict.maxRelativeDifference()).as(what + " (worst: " + verdict.worstOutput() + ")")
                            .isLessThan(1e-5);
                    assertThat(verdict.passed()).as(what).isTrue();
                }
            }
        }
    }

    @Test
    void aKernelOnOtherWeightsFailsTheGoldenCheck() throws Exception {
        for (String system : new String[] {"PENDULUM", "ADVECTION_DIFFUSION", "DOUBLE_PENDULUM"}) {
            ModelSpec spec = spec(system, "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
            try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 3);
                 HybridVae other = new HybridVae(spec, m, 4)) {
                GoldenSet golden = ModelBundle.golden(ModelBundle.write(vae, Map.of(), "{}")).orElseThrow();
                byte[] otherParameters = ModelBundle.read(ModelBundle.write(other, Map.of(), "{}")).parameters();
                GoldenSet.Verdict verdict = golden.check(ServingKernel.of(spec, otherParameters));
                assertThat(verdict.passed()).as(system).isFalse();
                assertThat(verdict.maxRelativeDifference()).as(system).isGreaterThan(100 * verdict.tolerance());
            }
        }
    }

    @Test
    void theToleranceGrowsWithTheHorizonAndForTheChaoticSystem() {
        ModelSpec pendulum = spec("PENDULUM", "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
        ModelSpec doublePendulum = spec("DOUBLE_PENDULUM", "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
        assertThat(GoldenSet.tolerance(pendulum, 0)).isEqualTo(GoldenSet.BASE_TOLERANCE);
        assertThat(GoldenSet.tolerance(pendulum, 50)).isGreaterThan(GoldenSet.tolerance(pendulum, 0));
        // 50 samples of 0.05 s: e^(1.5·2.5) ≈ 42 times the base
        assertThat(GoldenSet.tolerance(doublePendulum, 10)).isCloseTo(GoldenSet.BASE_TOLERANCE * Math.exp(3.75),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void goldenSetSurvivesItsBinaryForm() throws Exception {
        ModelSpec spec = spec("PENDULUM", "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
        try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 3)) {
            GoldenSet golden = GoldenSet.create(vae);
            GoldenSet back = GoldenSet.fromBytes(golden.toBytes());
            assertThat(back.expected().forecastMean()).isDeepEqualTo(golden.expected().forecastMean());
            assertThat(back.pooledCounts()).containsExactly(golden.pooledCounts());
            assertThat(back.horizon()).isEqualTo(spec.maxHorizon());
            // the reference itself passes, exactly
            assertThat(golden.check(vae).maxRelativeDifference()).isZero();
        }
    }

    @Test
    void aBundleWithoutGoldenEntryHasNoGoldenSetAndACorruptOneIsRefused() throws Exception {
        ModelSpec spec = spec("PENDULUM", "rk4", true, true, true, ModelSpec.HEAD_SIGMOID);
        try (NDManager m = NDManager.newBaseManager(); HybridVae vae = new HybridVae(spec, m, 3)) {
            byte[] bundle = ModelBundle.write(vae, Map.of(), "{}");
            assertThat(ModelBundle.golden(rezip(bundle, null))).isEmpty();
            assertThat(ModelBundle.read(rezip(bundle, null)).spec()).isEqualTo(spec);
            assertThatThrownBy(() -> ModelBundle.golden(rezip(bundle, new byte[] {0, 0, 0, 9})))
                    .hasMessageContaining(ModelBundle.GOLDEN).hasMessageContaining("format 9");
        }
    }

    /** The bundle with its golden entry dropped (null) or replaced. */
    private static byte[] rezip(byte[] bundle, byte[] golden) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bundle));
             ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] content = in.readAllBytes();
                if (ModelBundle.GOLDEN.equals(e.getName())) {
                    if (golden == null) {
                        continue;
                    }
                    content = golden;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void theBuildRunsTestsWithTheVectorModule() {
        // surefire's argLine carries --add-modules jdk.incubator.vector (parent pom, vector.jvm.flags)
        assertThat(ServingKernel.Backend.available()).isEqualTo(ServingKernel.Backend.VECTOR);
    }

    @Test
    void withoutTheModuleTheKernelFallsBackToPlainLoopsAndStillMatchesDjl() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String p : new String[] {"ai.djl.offline", "DJL_CACHE_DIR", "jna.tmpdir", "ai.djl.pytorch.num_threads",
                "ai.djl.pytorch.num_interop_threads"}) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BackendProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("backend=SCALAR").contains("passed=true");
        // and asking for the vector backend there is refused with the flag it needs
        assertThat(output).contains("vector refused: the vector backend needs the JVM flag --add-modules "
                + "jdk.incubator.vector");
    }
}
