package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import java.io.IOException;

/** Tool-call arguments (JSON text from the hub) as Anthropic's {@code input}, which must be a JSON object. */
final class ToolInput {

    private ToolInput() {
    }

    /** {@code arguments} when it is exactly one JSON object, else null (the caller writes {@code {}}). */
    static String objectOrNull(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return null;
        }
        try (JsonParser p = JsonIo.FACTORY.createParser(arguments)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            p.skipChildren();
            return p.nextToken() == null ? arguments.strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Tool ids must match {@code ^[a-zA-Z0-9_-]+$} at Anthropic; other dialects' ids may not. Same input, same id. */
    static String id(String id) {
        if (id == null || id.isEmpty()) {
            return "toolu_unknown";
        }
        StringBuilder sb = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            if (!ok && sb == null) {
                sb = new StringBuilder(id.length()).append(id, 0, i);
            }
            if (sb != null) {
                sb.append(ok ? c : '_');
            }
        }
        return sb == null ? id : sb.toString();
    }
}
