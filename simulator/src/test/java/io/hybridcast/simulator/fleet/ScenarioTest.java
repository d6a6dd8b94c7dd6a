package io.hybridcast.simulator.fleet;

import io.hybridcast.avro.FaultKind;
import io.hybridcast.avro.SystemKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioTest {

    private static final Map<String, SystemKind> FLEET = new LinkedHashMap<>(Map.of(
            "pendulum-0", SystemKind.PENDULUM, "advection-diffusion-0", SystemKind.ADVECTION_DIFFUSION,
            "double-pendulum-0", SystemKind.DOUBLE_PENDULUM));

    private static Scenario one(String fault) {
        return Scenario.parse("{\"faults\": [" + fault + "]}", "s.json");
    }

    @Test
    void theShippedExampleParsesAndFitsTheDefaultDemoFleet() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/scenarios/example.json")) {
            assertThat(in).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Scenario scenario = Scenario.parse(text, "example.json");
        assertThat(scenario.faults()).extracting(FaultSpec::kind).contains(FaultKind.values());
        assertThat(scenario.events()).extracting(EventSpec::kind).containsExactly(OperatingEvent.DRIVE_OFF);
        Map<String, SystemKind> fleet = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            fleet.put("pendulum-" + i, SystemKind.PENDULUM);
        }
        fleet.put("advection-diffusion-0", SystemKind.ADVECTION_DIFFUSION);
        fleet.put("double-pendulum-0", SystemKind.DOUBLE_PENDULUM);
        scenario.validate(fleet);
    }

    @Test
    void errorsNameTheEntryTheFieldAndTheValue() {
        assertThatThrownBy(() -> Scenario.parse("{not json", "bad.json"))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("bad.json").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> one("{\"sensor\":\"pendulum-0\",\"kind\":\"EXPLODE\",\"atSequence\":1}"))
                .hasMessageContaining("faults[0].kind").hasMessageContaining("EXPLODE");
        assertThatThrownBy(() -> one("{\"sensor\":\"pendulum-0\",\"kind\":\"STUCK\",\"atSequence\":1}"))
                .hasMessageContaining("faults[0].durationSamples is required");
        assertThatThrownBy(() -> one("{\"sensor\":\"pendulum-0\",\"kind\":\"SPIKE\",\"atSequence\":-4,\"magnitude\":1}"))
                .hasMessageContaining("atSequence").hasMessageContaining("-4");
        assertThatThrownBy(() -> one("{\"sensor\":\"pendulum-0\",\"kind\":\"SPIKE\",\"atSequence\":1,\"magnitude\":1,\"magnitud\":2}"))
                .hasMessageContaining("unknown field 'magnitud'");
        assertThatThrownBy(() -> one("{\"sensor\":\"pendulum-0\",\"kind\":\"PARAMETER_STEP\",\"atSequence\":1,"
                + "\"parameter\":\"omega\",\"value\":-2}")).hasMessageContaining("value").hasMessageContaining("-2");
        assertThatThrownBy(() -> one("{\"sensor\":\"pendulum-0\",\"kind\":\"PARAMETER_STEP\",\"atSequence\":1,"
                + "\"parameter\":\"D\",\"value\":2}").validate(FLEET))
                .hasMessageContaining("faults[0].parameter").hasMessageContaining("'D'").hasMessageContaining("omega");
        assertThatThrownBy(() -> one("{\"sensor\":\"double-pendulum-0\",\"kind\":\"UNMODELLED_CHANGE\",\"atSequence\":1,"
                + "\"parameter\":\"gamma\",\"value\":0.2}").validate(FLEET))
                .hasMessageContaining("'gamma'").hasMessageContaining("gamma1");
        assertThatThrownBy(() -> Scenario.parse("{\"faults\": [{\"sensor\":\"pendulum-0\",\"kind\":\"STUCK\",\"atSequence\":10,"
                + "\"durationSamples\":10}, {\"sensor\":\"pendulum-0\",\"kind\":\"SPIKE\",\"atSequence\":15,\"magnitude\":1}]}",
                "o.json").validate(FLEET)).hasMessageContaining("faults[1]").hasMessageContaining("overlaps faults[0]");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> Scenario.read(dir.resolve("missing.json")))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("missing.json").hasMessageContaining("does not exist");
    }
}
