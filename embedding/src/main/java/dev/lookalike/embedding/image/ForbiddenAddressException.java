package dev.lookalike.embedding.image;

import java.net.UnknownHostException;

/**
 * Thrown from the guarded DNS lookup. It extends {@link UnknownHostException} because that is
 * what okhttp lets a {@code Dns} throw; {@link ImageFetcher} turns it into FORBIDDEN_URL.
 */
public final class ForbiddenAddressException extends UnknownHostException {

    public ForbiddenAddressException(String message) {
        super(message);
    }
}
