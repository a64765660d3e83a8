package dev.lookalike.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds a free TCP port on the loopback interface. */
final class FreePorts {
    private FreePorts() {
    }

    /**
     * Asks the OS for an ephemeral port and releases it. Another process could take it before
     * the caller binds it, but the window is tiny and the kernel does not hand out a recently
     * released ephemeral port again right away.
     */
    static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }
}
