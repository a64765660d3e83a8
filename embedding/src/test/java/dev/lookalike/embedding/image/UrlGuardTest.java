package dev.lookalike.embedding.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "0.0.0.0", "0.1.2.3", "100.64.0.1", "192.0.0.8", "198.18.0.1", "224.0.0.1",
            "240.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "fd00:ec2::254", "fec0::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a00:1",
            "2002:7f00:1::", "64:ff9b:1::a00:1", "::ffff:0:7f00:1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:db8::1", "2001:2::1", "100::1", "4000::1"})
    void nonPublicAddresses(String address) throws UnknownHostException {
        assertThat(UrlGuard.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
            "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::"})
    void publicAddresses(String address) throws UnknownHostException {
        assertThat(UrlGuard.isPublic(InetAddress.getByName(address))).isTrue();
    }

    @Test
    void allowListedHostsAndPrivateModeSkipTheAddressCheck() throws UnknownHostException {
        List<InetAddress> loopback = List.of(InetAddress.getLoopbackAddress());

        assertThatCode(() -> new UrlGuard(false, Set.of("Images.Internal")).vet("images.internal", loopback))
                .doesNotThrowAnyException();
        assertThatCode(() -> new UrlGuard(true, Set.of()).vet("anything", loopback)).doesNotThrowAnyException();
        assertThatCode(() -> new UrlGuard(false, Set.of()).vet("images.internal", loopback))
                .isInstanceOf(ForbiddenAddressException.class);
    }

    /** Octal, hex, single-number and short forms: curl reads 0177.0.0.1 as loopback, Java as 177.0.0.1. */
    @ParameterizedTest
    @ValueSource(strings = {"http://0177.0.0.1/a.png", "http://0x7f000001/a.png", "http://0x7f.0.0.1/a.png",
            "http://2130706433/a.png", "http://127.1/a.png", "http://010.8.8.8/a.png", "http://8.8.8.08/a.png",
            "http://0X08.8.8.8/a.png", "http://8.8.8.8.8/a.png", "http://134744072/a.png"})
    void refusesIpAddressesNotInDottedDecimal(String url) {
        assertThatThrownBy(() -> new UrlGuard(false, Set.of()).check(url))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> {
                    assertThat(e.code()).isEqualTo(ImageErrorCode.FORBIDDEN_URL);
                    assertThat(e.retriable()).isFalse();
                });
    }

    @Test
    void namesThatOnlyStartWithDigitsAreNames() {
        assertThat(new UrlGuard(false, Set.of()).check("http://0x7f.example/a.png").host()).isEqualTo("0x7f.example");
        assertThat(new UrlGuard(false, Set.of()).check("http://1.2.3.example/a.png").host()).isEqualTo("1.2.3.example");
    }

    @Test
    void aForbiddenHostsMessageDoesNotSayWhereItPoints() throws UnknownHostException {
        UrlGuard guard = new UrlGuard(false, Set.of());
        assertThatThrownBy(() -> guard.vet("db.internal", List.of(InetAddress.getByName("10.20.30.40"))))
                .hasMessageContaining("db.internal").hasMessageNotContaining("10.20.30.40");
    }

    @Test
    void messagesShowUrlsWithoutTheirQueryOrCredentials() {
        HttpUrl signed = HttpUrl.get("https://bucket.example.com/a/b.png?X-Amz-Signature=secret&sig=s2#frag");
        assertThat(UrlGuard.forMessages(signed)).isEqualTo("https://bucket.example.com/a/b.png?...");
        assertThat(UrlGuard.forMessages(HttpUrl.get("https://u:p@example.com/c.png"))).isEqualTo("https://example.com/c.png");
    }

    @Test
    void acceptsPublicUrlsWithoutResolvingNames() {
        // Names are vetted at connection time (pinned DNS); only literals are checked up front.
        assertThat(new UrlGuard(false, Set.of()).check("https://images.example.com/a.png?x=1").host())
                .isEqualTo("images.example.com");
        assertThat(new UrlGuard(false, Set.of()).check("http://8.8.8.8/a.png").host()).isEqualTo("8.8.8.8");
    }
}
