package io.hybridcast.streams.swap;

import io.hybridcast.avro.ModelVersion;
import io.hybridcast.schemas.modelversion.ModelPayloads;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chunks of versions still being received, bounded: a version may declare at most
 * {@link ModelPayloads#MAX_CHUNKS} chunks and hold at most {@link ModelPayloads#MAX_PAYLOAD_BYTES}, and all
 * incomplete versions together at most {@code maxVersions} versions and {@code maxTotalBytes}; beyond that the
 * oldest incomplete version is evicted. Chunks are unverified until their version is complete, so anyone who
 * can write the topic could otherwise fill the heap. Not thread-safe.
 */
final class PendingChunks {

    /** What became of an added chunk. */
    record Added(List<ModelVersion> complete, String refusal, List<String> evicted) {
    }

    private static final class Pending {
        final TreeMap<Integer, ModelVersion> chunks = new TreeMap<>();
        long bytes;
    }

    private final int maxVersions;
    private final long maxTotalBytes;
    /** By "system/version", oldest first. */
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private long totalBytes;

    PendingChunks(int maxVersions, long maxTotalBytes) {
        this.maxVersions = maxVersions;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** Incomplete versions held. */
    int versions() {
        return pending.size();
    }

    /** Bytes of chunk payloads held. */
    long bytes() {
        return totalBytes;
    }

    /**
     * Adds a chunk: returns its version's chunks in index order once complete, or the reason the version is
     * refused (it is dropped), or neither while it is incomplete; with the ids of versions evicted to make room.
     */
    Added add(String id, ModelVersion chunk) {
        int count = chunk.getChunkCount();
        if (count < 1 || count > ModelPayloads.MAX_CHUNKS || chunk.getChunkIndex() < 0
                || chunk.getChunkIndex() >= count) {
            drop(id);
            return new Added(null, "chunk " + chunk.getChunkIndex() + " of " + count + " is out of range (at most "
                    + ModelPayloads.MAX_CHUNKS + " chunks)", List.of());
        }
        long size = chunk.getPayload().remaining();
        Pending version = pending.get(id);
        if (version != null) {
            ModelVersion any = version.chunks.firstEntry().getValue();
            if (any.getChunkCount() != count || !any.getSha256().equals(chunk.getSha256())) {
                drop(id);
                return new Added(null, "chunks disagree on chunkCount or sha256 (mixed uploads)", List.of());
            }
        }
        long held = version == null ? 0 : version.bytes;
        ModelVersion replaced = version == null ? null : version.chunks.get(chunk.getChunkIndex());
        long after = held + size - (replaced == null ? 0 : replaced.getPayload().remaining());
        if (after > ModelPayloads.MAX_PAYLOAD_BYTES) {
            drop(id);
            return new Added(null, "its chunks hold more than " + ModelPayloads.MAX_PAYLOAD_BYTES + " bytes",
                    List.of());
        }
        if (version == null) {
            version = new Pending();
            pending.put(id, version);
        }
        version.chunks.put(chunk.getChunkIndex(), chunk);
        totalBytes += after - version.bytes;
        version.bytes = after;
        List<String> evicted = evictBeyondBounds(id);
        if (version.chunks.size() < count) {
            return new Added(null, null, evicted);
        }
        drop(id);
        return new Added(new ArrayList<>(version.chunks.values()), null, evicted);
    }

    /** Evicts the oldest incomplete versions other than {@code keep} until the bounds hold. */
    private List<String> evictBeyondBounds(String keep) {
        List<String> evicted = new ArrayList<>();
        Iterator<Map.Entry<String, Pending>> oldest = pending.entrySet().iterator();
        while ((pending.size() > maxVersions || totalBytes > maxTotalBytes) && oldest.hasNext()) {
            Map.Entry<String, Pending> e = oldest.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            totalBytes -= e.getValue().bytes;
            oldest.remove();
            evicted.add(e.getKey());
        }
        return evicted;
    }

    private void drop(String id) {
        Pending removed = pending.remove(id);
        if (removed != null) {
            totalBytes -= removed.bytes;
        }
    }
}
