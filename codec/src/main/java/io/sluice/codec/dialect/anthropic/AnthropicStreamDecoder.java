package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.SseStreamDecoder;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import java.io.IOException;
import java.util.Arrays;

/**
 * Anthropic Messages stream → hub events (DESIGN.md §3). Each event's JSON is read token by token into a reused
 * {@link Frame} (member order does not matter), then acted on by its {@code type}.
 *
 * <p>Blocks are tracked by the provider's {@code index}: its kind, and for tool_use its hub slot. Tool slots are
 * counted in order of {@code tool_use} blocks, so a second call is slot 1 whatever its block index. Server tools
 * ({@code server_tool_use}, {@code web_search_tool_result}, …) run upstream: their blocks and deltas are ignored.
 *
 * <p>Usage: {@code message_start} carries input and cache counts, {@code message_delta} the cumulative output count
 * (and, on newer models, the input counts again). They are folded and reported once per {@code message_delta}, after
 * its {@code onFinish}.
 */
final class AnthropicStreamDecoder extends SseStreamDecoder {

    /** A sane cap on block indexes: a larger one is a broken upstream, not a long answer. */
    static final int MAX_BLOCKS = 4096;

    private static final byte NONE = 0;
    private static final byte TEXT = 1;
    private static final byte THINKING = 2;
    private static final byte REDACTED = 3;
    private static final byte TOOL = 4;
    /**
     * A tool_use block whose whole input came in its start event (some compatible upstreams): deltas would repeat it.
     */
    private static final byte TOOL_COMPLETE = 5;
    private static final byte IGNORED = 6;

    private byte[] kinds = new byte[8];
    private int[] slots = new int[8];
    /** A signature carried by a thinking block's start event, reported at its stop unless a signature_delta came. */
    private String[] startSignatures;
    private int nextSlot;
    private boolean finishSent;
    private boolean usageSent;
    private final Frame f = new Frame();
    private final AnthropicUsage usage = new AnthropicUsage();

    AnthropicStreamDecoder(HubListener listener) {
        super(listener);
    }

    @Override
    protected void onJson(String event, JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            fail(new HubError(502, HubError.API_ERROR, "upstream sent an event that is not a JSON object"));
            return;
        }
        f.read(p);
        String type = f.type != null ? f.type : event;
        if (type == null) {
            return;
        }
        switch (type) {
            case "ping" -> {
            }
            case "error" -> fail(AnthropicErrors.fromEvent(f.errorType, f.errorMessage));
            case "message_start" -> onMessageStart();
            default -> {
                if (!started()) {
                    fail(new HubError(502, HubError.API_ERROR, "upstream sent " + type + " before message_start"));
                    return;
                }
                switch (type) {
                    case "content_block_start" -> onBlockStart();
                    case "content_block_delta" -> onBlockDelta();
                    case "content_block_stop" -> onBlockStop();
                    case "message_delta" -> onMessageDelta();
                    case "message_stop" -> onMessageStop();
                    default -> {
                        // a newer event type: ignored, as the SDKs do
                    }
                }
            }
        }
    }

    private void onMessageStart() {
        if (started()) {
            return;
        }
        start(f.id, f.model, 0);
        usage.fold(f.usage);
    }

    private void onBlockStart() {
        int i = f.index;
        if (!checkIndex(i)) {
            return;
        }
        String blockType = f.blockType == null ? "" : f.blockType;
        switch (blockType) {
            case "text" -> {
                kinds[i] = TEXT;
                if (f.text != null && !f.text.isEmpty()) {
                    listener.onText(f.text);
                }
            }
            case "thinking" -> {
                kinds[i] = THINKING;
                if (f.thinking != null && !f.thinking.isEmpty()) {
                    listener.onReasoning(f.thinking);
                }
                if (f.signature != null && !f.signature.isEmpty()) {
                    if (startSignatures == null) {
                        startSignatures = new String[kinds.length];
                    }
                    startSignatures = ensure(startSignatures, i);
                    startSignatures[i] = f.signature;
                }
            }
            case "redacted_thinking" -> {
                kinds[i] = REDACTED;
                listener.onRedactedReasoning(f.data == null ? "" : f.data);
            }
            case "tool_use" -> {
                int slot = nextSlot++;
                slots[i] = slot;
                listener.onToolCallStart(slot, f.id, f.name);
                if (f.input != null) {
                    kinds[i] = TOOL_COMPLETE;
                    listener.onToolCallArguments(slot, f.input);
                } else {
                    kinds[i] = TOOL;
                }
            }
            default -> kinds[i] = IGNORED;
        }
    }

    private void onBlockDelta() {
        int i = f.index;
        if (i < 0 || i >= kinds.length || f.deltaType == null) {
            return;
        }
        byte kind = kinds[i];
        switch (f.deltaType) {
            case "text_delta" -> {
                if (kind == TEXT && f.deltaText != null && !f.deltaText.isEmpty()) {
                    listener.onText(f.deltaText);
                }
            }
            case "thinking_delta" -> {
                if (kind == THINKING && f.deltaThinking != null && !f.deltaThinking.isEmpty()) {
                    listener.onReasoning(f.deltaThinking);
                }
            }
            case "signature_delta" -> {
                if (kind == THINKING && f.deltaSignature != null) {
                    listener.onReasoningSignature(f.deltaSignature);
                    if (startSignatures != null && i < startSignatures.length) {
                        startSignatures[i] = null;
                    }
                }
            }
            case "input_json_delta" -> {
                // The first fragment is usually "": nothing to pass on.
                if (kind == TOOL && f.partialJson != null && !f.partialJson.isEmpty()) {
                    listener.onToolCallArguments(slots[i], f.partialJson);
                }
            }
            default -> {
                // citations_delta and newer delta types carry nothing the hub has
            }
        }
    }

    private void onBlockStop() {
        int i = f.index;
        if (startSignatures != null && i >= 0 && i < startSignatures.length && startSignatures[i] != null) {
            String signature = startSignatures[i];
            startSignatures[i] = null;
            listener.onReasoningSignature(signature);
        }
    }

    private void onMessageDelta() {
        if (f.stopReason != null && !finishSent) {
            finishSent = true; // the hub takes one finish; Anthropic sends one message_delta
            listener.onFinish(StopReasons.toHub(f.stopReason), f.stopSequence);
        }
        usage.fold(f.usage);
        if (usage.any()) {
            usageSent = true;
            listener.onUsage(usage.toHub());
        }
    }

    private void onMessageStop() {
        if (!usageSent && usage.any()) {
            // a compatible upstream that skipped message_delta: message_start's counts are all there is
            listener.onUsage(usage.toHub());
        }
        finish();
    }

    private boolean checkIndex(int i) {
        if (i < 0 || i >= MAX_BLOCKS) {
            fail(new HubError(502, HubError.API_ERROR, "upstream content block index " + i
                    + " (expected: 0 to " + (MAX_BLOCKS - 1) + ")"));
            return false;
        }
        if (i >= kinds.length) {
            int n = Math.max(i + 1, kinds.length * 2);
            kinds = Arrays.copyOf(kinds, n);
            slots = Arrays.copyOf(slots, n);
        }
        return true;
    }

    private static String[] ensure(String[] a, int i) {
        return i < a.length ? a : Arrays.copyOf(a, Math.max(i + 1, a.length * 2));
    }

    /** The members of one stream event that matter, reset before each event; member order is free. */
    static final class Frame {
        String type;
        int index;
        // message_start.message
        String id;
        String model;
        // content_block_start.content_block (id, name also for tool_use)
        String blockType;
        String name;
        String text;
        String thinking;
        String signature;
        String data;
        /** A tool_use start block's input when it is not {@code {}}, as compact JSON. */
        String input;
        // content_block_delta.delta / message_delta.delta
        String deltaType;
        String deltaText;
        String deltaThinking;
        String deltaSignature;
        String partialJson;
        String stopReason;
        String stopSequence;
        // usage (top level in message_delta, inside message in message_start)
        final AnthropicUsage usage = new AnthropicUsage();
        // error
        String errorType;
        String errorMessage;

        // created once: a method reference capturing this would be a new object per event
        private final Member messageMember = this::readMessageMember;
        private final Member blockMember = this::readBlockMember;
        private final Member deltaMember = this::readDeltaMember;
        private final Member errorMember = this::readErrorMember;

        void reset() {
            type = null;
            index = -1;
            id = null;
            model = null;
            blockType = null;
            name = null;
            text = null;
            thinking = null;
            signature = null;
            data = null;
            input = null;
            deltaType = null;
            deltaText = null;
            deltaThinking = null;
            deltaSignature = null;
            partialJson = null;
            stopReason = null;
            stopSequence = null;
            usage.reset();
            errorType = null;
            errorMessage = null;
        }

        /** Reads the event object; the parser sits on its START_OBJECT. */
        void read(JsonParser p) throws IOException {
            reset();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String member = p.currentName();
                JsonToken t = p.nextToken();
                switch (member) {
                    case "type" -> type = JsonIo.text(p);
                    case "index" -> index = t == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : -2;
                    case "message" -> readObject(p, t, messageMember);
                    case "content_block" -> readObject(p, t, blockMember);
                    case "delta" -> readObject(p, t, deltaMember);
                    case "usage" -> usage.read(p);
                    case "error" -> readObject(p, t, errorMember);
                    default -> p.skipChildren();
                }
            }
        }

        private void readMessageMember(String member, JsonParser p) throws IOException {
            switch (member) {
                case "id" -> id = JsonIo.text(p);
                case "model" -> model = JsonIo.text(p);
                case "usage" -> usage.read(p);
                default -> p.skipChildren();
            }
        }

        private void readBlockMember(String member, JsonParser p) throws IOException {
            switch (member) {
                case "type" -> blockType = JsonIo.text(p);
                case "id" -> id = JsonIo.text(p);
                case "name" -> name = JsonIo.text(p);
                case "text" -> text = JsonIo.text(p);
                case "thinking" -> thinking = JsonIo.text(p);
                case "signature" -> signature = JsonIo.text(p);
                case "data" -> data = JsonIo.text(p);
                case "input" -> {
                    if (p.currentToken() == JsonToken.START_OBJECT) {
                        String raw = JsonIo.raw(p);
                        input = raw.equals("{}") ? null : raw;
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }

        private void readDeltaMember(String member, JsonParser p) throws IOException {
            switch (member) {
                case "type" -> deltaType = JsonIo.text(p);
                case "text" -> deltaText = JsonIo.text(p);
                case "thinking" -> deltaThinking = JsonIo.text(p);
                case "signature" -> deltaSignature = JsonIo.text(p);
                case "partial_json" -> partialJson = JsonIo.text(p);
                case "stop_reason" -> stopReason = JsonIo.text(p);
                case "stop_sequence" -> stopSequence = JsonIo.text(p);
                default -> p.skipChildren();
            }
        }

        private void readErrorMember(String member, JsonParser p) throws IOException {
            switch (member) {
                case "type" -> errorType = JsonIo.text(p);
                case "message" -> errorMessage = JsonIo.text(p);
                default -> p.skipChildren();
            }
        }

        private interface Member {
            void read(String member, JsonParser p) throws IOException;
        }

        private static void readObject(JsonParser p, JsonToken t, Member member) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                member.read(name, p);
            }
        }
    }
}
