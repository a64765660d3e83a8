package dev.lookalike.embedding.hosted;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts the provider's own code and message from an error answer. Understands the shapes the
 * providers document, and degrades to a short text excerpt for anything else (e.g. a gateway's HTML):
 * <ul>
 *   <li>Azure / Foundry: {@code {"error": {"code", "message", "innererror": {...}, "details": [...]}}}</li>
 *   <li>CoreViz: {@code {"error": "Unauthorized", "message": "..."}}</li>
 *   <li>generic: {@code {"message": "..."}} or FastAPI's {@code {"detail": "..." | [{"loc", "msg"}]}}</li>
 * </ul>
 */
final class ProviderErrors {

    static final int MAX_MESSAGE_CHARS = 1000;

    record ErrorInfo(String code, String message) {
    }

    private ProviderErrors() {
    }

    static ErrorInfo parse(byte[] body, String headerCode) {
        ErrorInfo info = fromBody(body);
        String code = info.code() != null ? info.code() : blankToNull(headerCode);
        return new ErrorInfo(truncate(code, 200), truncate(info.message(), MAX_MESSAGE_CHARS));
    }

    private static ErrorInfo fromBody(byte[] body) {
        if (body == null || body.length == 0) {
            return new ErrorInfo(null, null);
        }
        JsonNode root;
        try {
            root = HostedClient.JSON.readTree(body);
        } catch (Exception e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new ErrorInfo(null, excerpt(body));
        }
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            String code = text(error.get("code"));
            String message = text(error.get("message"));
            List<String> extra = new ArrayList<>();
            JsonNode inner = error.get("innererror");
            if (inner != null && inner.isObject()) {
                String innerCode = text(inner.get("code"));
                if (innerCode != null && code != null && !innerCode.equals(code)) {
                    code = code + "/" + innerCode;
                }
                addIfNew(extra, message, text(inner.get("message")));
            }
            details(error.get("details"), message, extra);
            return new ErrorInfo(code, join(message, extra));
        }
        String message = text(root.get("message"));
        if (error != null && error.isTextual()) {
            return new ErrorInfo(error.asText(), message != null ? message : error.asText());
        }
        List<String> extra = new ArrayList<>();
        JsonNode detail = root.get("detail");
        if (detail != null && detail.isTextual()) {
            addIfNew(extra, message, detail.asText());
        } else {
            details(detail, message, extra);
        }
        if (message == null && extra.isEmpty()) {
            return new ErrorInfo(text(root.get("code")), excerpt(body));
        }
        return new ErrorInfo(text(root.get("code")), join(message, extra));
    }

    /** Azure's {@code details: [{code, message, target}]} and FastAPI's {@code [{loc: [...], msg}]}. */
    private static void details(JsonNode details, String message, List<String> extra) {
        if (details == null || !details.isArray()) {
            return;
        }
        for (JsonNode detail : details) {
            if (extra.size() >= 5 || !detail.isObject()) {
                continue;
            }
            String text = text(detail.get("message"));
            if (text == null) {
                text = text(detail.get("msg"));
            }
            String target = text(detail.get("target"));
            JsonNode loc = detail.get("loc");
            if (target == null && loc != null && loc.isArray()) {
                List<String> parts = new ArrayList<>();
                loc.forEach(part -> parts.add(part.asText()));
                target = String.join(".", parts);
            }
            if (text != null) {
                addIfNew(extra, message, target == null ? text : target + ": " + text);
            }
        }
    }

    private static void addIfNew(List<String> extra, String message, String candidate) {
        if (candidate != null && !candidate.isBlank() && !candidate.equals(message) && !extra.contains(candidate)) {
            extra.add(candidate);
        }
    }

    private static String join(String message, List<String> extra) {
        if (extra.isEmpty()) {
            return message;
        }
        String details = String.join("; ", extra);
        return message == null ? details : message + " (" + details + ")";
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        return blankToNull(node.asText());
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8)
                .replaceAll("\\p{Cntrl}+", " ").strip();
        return blankToNull(truncate(text, 300));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
