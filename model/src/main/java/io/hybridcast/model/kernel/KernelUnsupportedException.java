package io.hybridcast.model.kernel;

/** The serving kernel cannot serve a model (its shape, band method or parameters): the reason is the message. */
public final class KernelUnsupportedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A refusal with its reason. */
    public KernelUnsupportedException(String reason) {
        super(reason);
    }
}
