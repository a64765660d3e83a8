package dev.lookalike.embedding.hosted;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProviderErrorsTest {

    private static ProviderErrors.ErrorInfo parse(String body, String headerCode) {
        return ProviderErrors.parse(body.getBytes(StandardCharsets.UTF_8), headerCode);
    }

    @Test
    void readsAzureErrorsWithDetails() {
        ProviderErrors.ErrorInfo info = parse("""
                {"error": {"code": "InvalidRequest", "message": "One or more fields are invalid.", \
                "details": [{"code": "InvalidArgument", "target": "text", "message": "Text is empty."}]}}""", null);
        assertThat(info.code()).isEqualTo("InvalidRequest");
        assertThat(info.message()).isEqualTo("One or more fields are invalid. (text: Text is empty.)");
    }

    @Test
    void readsOpenAiStyleErrors() {
        ProviderErrors.ErrorInfo info = parse("""
                {"error": {"message": "Invalid image", "type": "invalid_request_error", "param": null, \
                "code": null}}""", "BadArgument");
        assertThat(info.code()).isEqualTo("BadArgument");
        assertThat(info.message()).isEqualTo("Invalid image");
    }

    @Test
    void readsFastApiDetail() {
        assertThat(parse("{\"detail\": \"Not authenticated\"}", null).message()).isEqualTo("Not authenticated");
        assertThat(parse("{\"detail\": [{\"loc\": [\"body\", \"input\", 0], \"msg\": \"field required\"}]}", null)
                .message()).isEqualTo("body.input.0: field required");
    }

    @Test
    void fallsBackToATextExcerpt() {
        ProviderErrors.ErrorInfo info = parse("<html>\n<h1>502 Bad Gateway</h1>\n</html>", null);
        assertThat(info.code()).isNull();
        assertThat(info.message()).isEqualTo("<html> <h1>502 Bad Gateway</h1> </html>");
        assertThat(parse("", null).message()).isNull();
        assertThat(parse("x".repeat(5000), null).message()).hasSize(303);
    }
}
