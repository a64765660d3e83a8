package dev.lookalike.embedding.image;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;

/**
 * Keeps user-supplied URLs from reaching internal services (SSRF): only http(s), no credentials,
 * and no loopback, private, link-local, multicast, unspecified or reserved address, including
 * those same addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4). Host names are checked
 * after resolution by {@link #vet}, which {@link ImageFetcher} calls from inside its okhttp
 * {@code Dns}, so the addresses that were checked are the ones connected to (no DNS rebinding).
 */
public final class UrlGuard {

    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):");
    /** okhttp's own test for "connect to this literal without asking Dns" (see RouteSelector). */
    private static final Pattern IP_LITERAL = Pattern.compile("([0-9a-fA-F]*:[0-9a-fA-F:.]*)|([\\d.]+)");

    /** Every label a number (decimal, or 0x hex): an IP address, however it is spelled. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(?i)(0x[0-9a-f]*|\\d+)(\\.(0x[0-9a-f]*|\\d+))*\\.?");
    private static final Pattern CANONICAL_IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private final boolean allowPrivateNetworks;
    private final Set<String> allowedHosts;

    public UrlGuard(boolean allowPrivateNetworks, Set<String> allowedHosts) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public static UrlGuard of(FetcherConfig config) {
        return new UrlGuard(config.allowPrivateNetworks(), config.allowedHosts());
    }

    /** Parses and checks a URL; literal IP hosts are checked here because okhttp never resolves them. */
    public HttpUrl check(String url) {
        Matcher scheme = url == null ? null : SCHEME.matcher(url.strip());
        if (scheme == null || !scheme.find()) {
            throw new ImageLoadException(ImageErrorCode.BAD_URL, "not an absolute URL: " + url);
        }
        String name = scheme.group(1).toLowerCase(Locale.ROOT);
        if (!name.equals("http") && !name.equals("https")) {
            throw new ImageLoadException(ImageErrorCode.FORBIDDEN_URL, "scheme '" + name + "' is not allowed");
        }
        HttpUrl parsed = HttpUrl.parse(url.strip());
        if (parsed == null) {
            throw new ImageLoadException(ImageErrorCode.BAD_URL, "malformed URL: " + url);
        }
        check(parsed);
        return parsed;
    }

    public void check(HttpUrl url) {
        if (!url.username().isEmpty() || !url.password().isEmpty()) {
            throw new ImageLoadException(ImageErrorCode.FORBIDDEN_URL, "credentials in URLs are not allowed");
        }
        if (NUMERIC_HOST.matcher(url.host()).matches() && !CANONICAL_IPV4.matcher(url.host()).matches()) {
            // 0177.0.0.1, 0x7f000001, 2130706433, 127.1: clients disagree on what these mean (curl reads
            // 0177 as octal, Java as decimal), so no answer is safe. Only a.b.c.d in decimal is taken.
            throw new ImageLoadException(ImageErrorCode.FORBIDDEN_URL,
                    "IP address " + url.host() + " is not in dotted decimal form (a.b.c.d)");
        }
        if (IP_LITERAL.matcher(url.host()).matches()) {
            try {
                vet(url.host(), List.of(InetAddress.getByName(url.host())));
            } catch (ForbiddenAddressException e) {
                throw new ImageLoadException(ImageErrorCode.FORBIDDEN_URL, e.getMessage(), e);
            } catch (UnknownHostException e) {
                throw new ImageLoadException(ImageErrorCode.BAD_URL, "bad IP address: " + url.host(), e);
            }
        }
    }

    /** Refuses the host if ANY of its addresses is non-public, so a mixed answer cannot slip through. */
    public void vet(String host, List<InetAddress> addresses) throws ForbiddenAddressException {
        if (allowPrivateNetworks || allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            return;
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                // Not the address itself: the message reaches the caller, who would learn the internal network's map.
                throw new ForbiddenAddressException("host " + host + " resolves to a non-public address");
            }
        }
    }

    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            Inet4Address embedded = embeddedIpv4(b);
            return embedded != null ? isPublic(embedded) : isPublicIpv6(b);
        }
        return isPublicIpv4(b);
    }

    private static boolean isPublicIpv4(byte[] b) {
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        boolean thisNetwork = first == 0;
        boolean sharedCgnat = first == 100 && (second & 0xC0) == 64;
        boolean ietfProtocol = first == 192 && second == 0 && b[2] == 0;
        boolean benchmarking = first == 198 && (second & 0xFE) == 18;
        boolean reservedOrBroadcast = first >= 240;
        return !(thisNetwork || sharedCgnat || ietfProtocol || benchmarking || reservedOrBroadcast);
    }

    /**
     * Only global unicast (2000::/3) is public, less the ranges inside it that carry or stand for
     * other addresses: Teredo (2001::/32, an IPv4 address obfuscated inside), benchmarking
     * (2001:2::/48) and documentation (2001:db8::/32). Everything outside 2000::/3 that is not an
     * embedded IPv4 form is refused, e.g. unique local fc00::/7, local-use NAT64 64:ff9b:1::/48 and
     * SIIT ::ffff:0:0:0/96, which a local translator may route into the private network.
     */
    private static boolean isPublicIpv6(byte[] b) {
        boolean globalUnicast = (b[0] & 0xE0) == 0x20;
        boolean in2001 = b[0] == 0x20 && b[1] == 0x01;
        boolean teredo = in2001 && b[2] == 0 && b[3] == 0;
        boolean benchmarking = in2001 && b[2] == 0 && b[3] == 0x02 && b[4] == 0 && b[5] == 0;
        boolean documentation = in2001 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8;
        return globalUnicast && !teredo && !benchmarking && !documentation;
    }

    /**
     * A URL as error messages and logs show it: without user info, query and fragment, which may
     * hold credentials (pre-signed URLs: X-Amz-Signature, a SAS sig=); "?..." marks a dropped query.
     * Messages go to the caller, the log and the dead-letter topic; the letter keeps the event itself.
     */
    public static String forMessages(HttpUrl url) {
        HttpUrl bare = url.newBuilder().username("").password("").query(null).fragment(null).build();
        return bare + (url.encodedQuery() != null ? "?..." : "");
    }

    /** The IPv4 address carried inside an IPv4-mapped, -compatible, NAT64 or 6to4 IPv6 address. */
    private static Inet4Address embeddedIpv4(byte[] b) {
        boolean zeroPrefix = allZero(b, 0, 10);
        boolean mapped = zeroPrefix && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0;
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B
                && allZero(b, 4, 12);
        if (mapped || compatible || nat64) {
            return ipv4(b, 12);
        }
        boolean sixToFour = b[0] == 0x20 && b[1] == 0x02;
        return sixToFour ? ipv4(b, 2) : null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Inet4Address ipv4(byte[] b, int offset) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2],
                    b[offset + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always a valid IPv4 address", e);
        }
    }
}
