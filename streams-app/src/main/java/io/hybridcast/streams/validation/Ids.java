package io.hybridcast.streams.validation;

/**
 * What a sensor id (and so a record key and a state-store key) may be: 1 to {@value #MAX_LENGTH} characters, none
 * of them a control character.
 *
 * <p>Why bounded: an id is the key of six changelogged stores, is written with {@code DataOutputStream.writeUTF}
 * (at most 65 535 bytes) and is quoted in dead letters, logs and URLs. A 70 000-character id used to fail at
 * commit, outside any per-record handling, so the stream thread died on the same offset forever. Control
 * characters would forge log lines and break the HTTP paths.
 */
public final class Ids {

    /** The longest id accepted, in characters (UTF-16 units). */
    public static final int MAX_LENGTH = 256;
    /** How much of an unusable id a reason quotes. */
    private static final int QUOTED = 64;

    private Ids() {
    }

    /** Why {@code id} cannot be used as {@code what}, or null when it can. */
    public static String problem(String what, String id) {
        if (id == null || id.isBlank()) {
            return what + " is empty";
        }
        if (id.length() > MAX_LENGTH) {
            return what + " has " + id.length() + " characters, more than the " + MAX_LENGTH + " allowed ('"
                    + quote(id) + "')";
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return what + " '" + quote(id) + "' contains the control character U+"
                        + String.format("%04X", (int) id.charAt(i)) + " at index " + i;
            }
        }
        return null;
    }

    /** The start of a text, for a reason that must stay short: at most {@value #QUOTED} characters and a mark. */
    public static String quote(String text) {
        String printable = text.codePoints().limit(QUOTED)
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return text.length() > printable.length() ? printable + "…" : printable;
    }
}
