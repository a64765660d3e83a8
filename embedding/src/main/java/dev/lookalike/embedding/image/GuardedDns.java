package dev.lookalike.embedding.image;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;

/**
 * Resolves, vets and returns the addresses in one step, so okhttp connects to exactly the
 * addresses the guard approved; a second, rebinding DNS answer is never consulted.
 */
final class GuardedDns implements Dns {

    private final Dns resolver;
    private final UrlGuard guard;

    GuardedDns(Dns resolver, UrlGuard guard) {
        this.resolver = resolver;
        this.guard = guard;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        List<InetAddress> addresses = List.copyOf(resolver.lookup(hostname));
        guard.vet(hostname, addresses);
        return addresses;
    }
}
