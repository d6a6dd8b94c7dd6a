package io.hybridcast.streams.topology;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.Map;
import java.util.function.Function;

/**
 * Builds a changelogged inner store and wraps it in one of the forecaster's own stores ({@link WriteBehindStore},
 * {@link SequencedStore}); logging settings go to the inner store. Those stores need no record cache (they write
 * once per commit, or write each point once), so enabling one is refused.
 *
 * @param <I> the inner store
 * @param <S> the wrapping store
 */
final class DelegatingStoreBuilder<I extends StateStore, S extends StateStore> implements StoreBuilder<S> {
    private final StoreBuilder<I> inner;
    private final Function<I, S> wrap;

    DelegatingStoreBuilder(StoreBuilder<I> inner, Function<I, S> wrap) {
        this.inner = inner.withCachingDisabled();
        this.wrap = wrap;
    }

    @Override
    public StoreBuilder<S> withCachingEnabled() {
        throw new UnsupportedOperationException(inner.name() + " needs no record cache");
    }

    @Override
    public StoreBuilder<S> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<S> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<S> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public S build() {
        return wrap.apply(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
