package io.hybridcast.kafka.embedded;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives a test class a real in-process broker: one {@link EmbeddedKafkaBroker} per
 * test class, started before the first test and closed after the last. Tests receive it as a parameter
 * (of a test method, {@code @BeforeAll}, {@code @BeforeEach} or the constructor).
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class MyIntegrationTest {
 *     @Test
 *     void roundTrip(EmbeddedKafkaBroker broker) {
 *         ... broker.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 *
 * Lives in the main source set (not a test-jar) so other modules can use it with a plain test-scoped
 * dependency on {@code embedded-kafka}.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);
    private static final String KEY = "broker";

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EmbeddedKafkaBroker broker = context.getStore(NAMESPACE).remove(KEY, EmbeddedKafkaBroker.class);
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return parameterContext.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return broker(extensionContext);
    }

    private static EmbeddedKafkaBroker broker(ExtensionContext context) {
        // The class-level store: method contexts walk up to their class's store, so all tests share one broker.
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, k -> EmbeddedKafkaBroker.start(), EmbeddedKafkaBroker.class);
    }
}
