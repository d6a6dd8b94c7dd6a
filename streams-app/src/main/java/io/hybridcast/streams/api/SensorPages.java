package io.hybridcast.streams.api;

import io.hybridcast.streams.topology.SensorState;
import io.hybridcast.streams.validation.Ids;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Paging of {@code /api/sensors}: {@code limit} (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT})
 * sensors in id order after the cursor {@code after} (an id, exclusive); the response's {@code Link: <...>;
 * rel="next"} header carries the next cursor while a page is full. Ids are ordered by their UTF-8 bytes, the
 * order of the state stores' keys, so each partition's store is read as a sorted range from the cursor and at
 * most {@code limit} sensors per partition (and per instance, when gathering) are ever held.
 */
final class SensorPages {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** Id order: unsigned bytes of the UTF-8 encoding, as RocksDB sorts the keys (not String#compareTo). */
    static final Comparator<String> ORDER = (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
            b.getBytes(StandardCharsets.UTF_8));

    /** A page request; {@code after} is null for the first page. */
    record Request(int limit, String after) {
    }

    private SensorPages() {
    }

    /**
     * The query parameters of a raw query string, each decoded once ({@link PathSegments}: a {@code +} stays a
     * plus); an unknown or repeated parameter is an {@link IllegalArgumentException} naming it.
     */
    static Map<String, String> query(String rawQuery, Set<String> known) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = PathSegments.decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : PathSegments.decode(pair.substring(eq + 1));
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown query parameter '" + name + "'; known: "
                        + String.join(", ", known));
            }
            if (out.put(name, value) != null) {
                throw new IllegalArgumentException("query parameter '" + name + "' is given twice");
            }
        }
        return out;
    }

    /** The page request of the parameters, validated with errors naming the parameter and value. */
    static Request request(Map<String, String> params) {
        int limit = DEFAULT_LIMIT;
        String text = params.get("limit");
        if (text != null) {
            try {
                limit = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("query parameter 'limit' = '" + abbreviate(text)
                        + "' is invalid: must be a whole number from 1 to " + MAX_LIMIT + " (default "
                        + DEFAULT_LIMIT + ")");
            }
        }
        String after = params.get("after");
        if (after != null) {
            String problem = Ids.problem("after", after);
            if (problem != null) {
                throw new IllegalArgumentException("query parameter 'after' is invalid: " + problem
                        + " (it is a sensor id: the last one of the previous page)");
            }
        }
        return new Request(limit, after);
    }

    /** Up to {@code limit} sensors after the cursor, in id order, from the stores of the local partitions. */
    static List<SensorState> localPage(List<ReadOnlyKeyValueStore<String, SensorState>> partitions, Request request) {
        List<SensorState> out = new ArrayList<>();
        for (ReadOnlyKeyValueStore<String, SensorState> store : partitions) {
            int taken = 0;
            try (KeyValueIterator<String, SensorState> it = request.after() == null ? store.all()
                    : store.range(request.after(), null)) {
                while (it.hasNext() && taken < request.limit()) {
                    var kv = it.next();
                    if (kv.key.equals(request.after())) {
                        continue; // the cursor is exclusive
                    }
                    out.add(kv.value);
                    taken++;
                }
            }
        }
        out.sort((a, b) -> ORDER.compare(a.sensorId, b.sensorId));
        return out.size() > request.limit() ? new ArrayList<>(out.subList(0, request.limit())) : out;
    }

    /** The merged page of sensor views from several sources, each already a page for the same request. */
    static List<Map<String, Object>> merge(List<Map<String, Object>> views, int limit) {
        views.sort((a, b) -> ORDER.compare(String.valueOf(a.get("sensorId")), String.valueOf(b.get("sensorId"))));
        return views.size() > limit ? new ArrayList<>(views.subList(0, limit)) : views;
    }

    /** The next page's cursor: the last id of a full page, else null (no more sensors). */
    static String nextAfter(List<Map<String, Object>> page, int limit) {
        return page.size() < limit ? null : String.valueOf(page.get(page.size() - 1).get("sensorId"));
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
