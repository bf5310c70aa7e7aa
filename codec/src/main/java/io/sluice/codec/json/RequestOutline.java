package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Where chosen parts of a request body sit, learnt from the tokens {@link ChatRequestScanner} reads as the body
 * arrives, so that a request rewrite (a system prompt, a thinking budget) can be spliced into the client's own bytes
 * ({@link Edit}) instead of re-serializing the body.
 *
 * <p>What is recorded is named by paths: member names joined by {@code .}, {@code *} for any array element
 * ({@code system}, {@code system.*.cache_control}, {@code generationConfig.thinkingConfig.thinkingBudget}). Only
 * containers on the way to a tracked path are walked; the rest is skipped by depth counting, so the cost is a few
 * branches a token. A path with {@code *} keeps its last occurrence (and the sum of its children); a path without
 * keeps its first and counts the others ({@link Span#occurrences()}: a duplicate member).
 *
 * <p>A <em>role array</em> ({@code messages}, {@code input}) also gets the runs of its elements whose {@code role} is
 * {@code system} or {@code developer}, without keeping one record per element: at most {@link #MAX_RUNS} runs are
 * kept, past which {@link Runs#overflow()} says so (the caller refuses the work, DESIGN.md 7).
 *
 * <p>Offsets are from the body's first byte. Not thread-safe; fed by one scanner.
 */
public final class RequestOutline {

    /** Runs of system messages kept per role array: past it, removing them is refused as too much work. */
    public static final int MAX_RUNS = 256;
    /** Strings up to this many bytes keep their text ({@code role}, {@code type}, {@code reasoning_effort}). */
    static final int MAX_TEXT_BYTES = 256;

    /** One recorded value (and its member name, in an object). */
    public static final class Span {
        int nameStart = -1;
        int valueStart = -1;
        int valueEnd = -1;
        int prevEnd = -1;
        int nextStart = -1;
        JsonToken kind;
        int children;
        long childrenTotal;
        int occurrences;
        String text;

        /** The member name's opening quote; -1 for an array element or the root. */
        public int nameStart() {
            return nameStart;
        }

        /** The value's first byte. */
        public int valueStart() {
            return valueStart;
        }

        /** Just past the value's last byte. */
        public int valueEnd() {
            return valueEnd;
        }

        /** Just past the previous sibling's value, -1 when this is the first child of its container. */
        public int prevEnd() {
            return prevEnd;
        }

        /** The next sibling's first byte (its name in an object), -1 when this is the last child. */
        public int nextStart() {
            return nextStart;
        }

        /** The token the value starts with ({@code START_OBJECT}, {@code VALUE_STRING}, ...). */
        public JsonToken kind() {
            return kind;
        }

        /** Members or elements of a container value (of its last occurrence, for a path with {@code *}). */
        public int children() {
            return children;
        }

        /** Children summed over every occurrence (a path with {@code *}). */
        public long childrenTotal() {
            return childrenTotal;
        }

        /** How often the path occurred: above 1 for a duplicate member. */
        public int occurrences() {
            return occurrences;
        }

        /** A short string's text, a number's literal, else null. */
        public String text() {
            return text;
        }

        public boolean isObject() {
            return kind == JsonToken.START_OBJECT;
        }

        public boolean isArray() {
            return kind == JsonToken.START_ARRAY;
        }

        public boolean isString() {
            return kind == JsonToken.VALUE_STRING;
        }

        public boolean isNull() {
            return kind == JsonToken.VALUE_NULL;
        }

        /** Whether the value is an integer that fits an {@code int}; see {@link #intValue()}. */
        public boolean isInt() {
            if (kind != JsonToken.VALUE_NUMBER_INT || text == null) {
                return false;
            }
            try {
                Integer.parseInt(text);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        public int intValue() {
            return Integer.parseInt(text);
        }

        /** A number's value, or NaN. */
        public double number() {
            if (!kind.isNumeric() || text == null) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }

    /** The runs of system (or developer) elements of one role array, in document order. */
    public static final class Runs {
        private int[] runs = new int[16]; // start, end, prevEnd, nextStart per run
        private int count;
        private boolean overflow;
        private int elements;
        private int system;
        private int leadingEnd = -1;
        private int openStart = -1;
        private int openEnd;
        private int openPrev;
        private int openFirst;

        void element(int start, int end, int prevEnd, boolean isSystem) {
            if (isSystem) {
                system++;
                if (openStart < 0) {
                    openStart = start;
                    openPrev = prevEnd;
                    openFirst = elements;
                }
                openEnd = end;
            } else if (openStart >= 0) {
                close(start);
            }
            elements++;
        }

        void end() {
            if (openStart >= 0) {
                close(-1);
            }
        }

        private void close(int nextStart) {
            if (openFirst == 0) {
                leadingEnd = openEnd;
            }
            if (count == MAX_RUNS) {
                overflow = true;
            } else {
                if (runs.length < (count + 1) * 4) {
                    runs = java.util.Arrays.copyOf(runs, runs.length * 2);
                }
                runs[count * 4] = openStart;
                runs[count * 4 + 1] = openEnd;
                runs[count * 4 + 2] = openPrev;
                runs[count * 4 + 3] = nextStart;
                count++;
            }
            openStart = -1;
        }

        /** Runs kept. */
        public int count() {
            return count;
        }

        /** First byte of run {@code i}'s first element. */
        public int start(int i) {
            return runs[i * 4];
        }

        /** Just past run {@code i}'s last element. */
        public int end(int i) {
            return runs[i * 4 + 1];
        }

        /** Just past the element before run {@code i}, -1 when it starts the array. */
        public int prevEnd(int i) {
            return runs[i * 4 + 2];
        }

        /** First byte of the element after run {@code i}, -1 when it ends the array. */
        public int nextStart(int i) {
            return runs[i * 4 + 3];
        }

        /** More than {@link #MAX_RUNS} runs: not all were kept. */
        public boolean overflow() {
            return overflow;
        }

        /** Elements of the array. */
        public int elements() {
            return elements;
        }

        /** Elements that are system (or developer) messages. */
        public int systemElements() {
            return system;
        }

        /** Just past the last element of the run of system elements that opens the array, -1 when none does. */
        public int leadingEnd() {
            return leadingEnd;
        }
    }

    /** One open container being walked. */
    private static final class Frame {
        final String path;
        final String childPath;
        final boolean array;
        final Span span;
        final Runs runs;
        /** This container is an element of a role array: its {@code role} member is looked at. */
        final boolean roleElement;
        final int start;
        final int prevEnd;
        String name;
        int nameStart;
        int count;
        int lastEnd = -1;
        Span lastChild;
        String role;

        Frame(String path, boolean array, Span span, Runs runs, boolean roleElement, int start, int prevEnd) {
            this.path = path;
            this.array = array;
            this.childPath = array ? (path.isEmpty() ? "*" : path + ".*") : null;
            this.span = span;
            this.runs = runs;
            this.roleElement = roleElement;
            this.start = start;
            this.prevEnd = prevEnd;
        }
    }

    /**
     * What an outline records: the tracked paths, the containers walked to reach them, the role arrays. Immutable and
     * shared by every outline of one dialect, so a request pays for none of it.
     */
    public static final class Paths {
        final Set<String> tracked;
        final Set<String> walked;
        final Set<String> roleArrays;
        final boolean camelCase;

        /**
         * @param tracked    the paths whose values are recorded
         * @param roleArrays top-level arrays of messages whose system runs are recorded ({@code messages})
         * @param camelCase  member names are compared in camelCase ({@code system_instruction} as
         *                   {@code systemInstruction}), as Google's JSON parser reads them
         */
        public Paths(Set<String> tracked, Set<String> roleArrays, boolean camelCase) {
            this.tracked = Set.copyOf(tracked);
            this.roleArrays = Set.copyOf(roleArrays);
            this.camelCase = camelCase;
            Set<String> w = new HashSet<>();
            for (String p : tracked) {
                for (int dot = p.indexOf('.'); dot >= 0; dot = p.indexOf('.', dot + 1)) {
                    w.add(p.substring(0, dot));
                }
                w.add(p);
            }
            w.addAll(roleArrays);
            this.walked = Set.copyOf(w);
        }
    }

    private final Set<String> tracked;
    private final Set<String> walked;
    private final Set<String> roleArrays;
    private final boolean camelCase;
    private final Map<String, Span> spans = new HashMap<>();
    private final Map<String, Runs> runs = new HashMap<>(2);
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private final Span root = new Span();
    private int skipDepth;
    private boolean ended;

    /** An outline of one body, recording {@code paths}. */
    public RequestOutline(Paths paths) {
        this.tracked = paths.tracked;
        this.walked = paths.walked;
        this.roleArrays = paths.roleArrays;
        this.camelCase = paths.camelCase;
    }

    /** The root object. */
    public Span root() {
        return root;
    }

    /** The value at {@code path}, or null when the body has none. */
    public Span span(String path) {
        return spans.get(path);
    }

    /** The system runs of role array {@code path}, or null when the body has no such array. */
    public Runs runs(String path) {
        return runs.get(path);
    }

    /** Whether the whole root object was seen. */
    public boolean complete() {
        return ended;
    }

    /** One token of the body, with its offsets ({@link JsonFeeder#tokenStart()}, {@link JsonFeeder#tokenEnd()}). */
    void token(JsonToken t, JsonParser p, long startOffset, long endOffset) throws IOException {
        if (ended) {
            return;
        }
        int start = (int) Math.min(startOffset, Integer.MAX_VALUE);
        int end = (int) Math.min(endOffset, Integer.MAX_VALUE);
        if (skipDepth > 0) {
            if (t.isStructStart()) {
                skipDepth++;
            } else if (t.isStructEnd() && --skipDepth == 0) {
                childEnded(stack.peek(), end);
            }
            return;
        }
        Frame f = stack.peek();
        if (f == null) {
            if (t == JsonToken.START_OBJECT) {
                root.valueStart = start;
                root.kind = t;
                root.occurrences = 1;
                stack.push(new Frame("", false, root, null, false, start, -1));
            } else {
                ended = true; // not an object: the scanner refuses the body
            }
            return;
        }
        if (t == JsonToken.FIELD_NAME) {
            f.name = camelCase ? camel(p.currentName()) : p.currentName();
            f.nameStart = start;
            if (f.lastChild != null) {
                f.lastChild.nextStart = start;
                f.lastChild = null;
            }
            return;
        }
        if (t.isStructEnd()) {
            close(f, end);
            return;
        }
        valueStarts(f, t, p, start, end);
    }

    private void valueStarts(Frame f, JsonToken t, JsonParser p, int start, int end) throws IOException {
        if (f.lastChild != null) { // array elements: the next one starts here
            f.lastChild.nextStart = start;
            f.lastChild = null;
        }
        String path = f.array ? f.childPath : f.path.isEmpty() ? f.name : f.path + '.' + f.name;
        Span span = tracked.contains(path) ? record(path, f, t, p, start, end) : null;
        if (f.roleElement && "role".equals(f.name) && t == JsonToken.VALUE_STRING) {
            f.role = p.getText();
        }
        if (t.isStructStart()) {
            boolean roleArray = f == stack.peekLast() && roleArrays.contains(path) && t == JsonToken.START_ARRAY;
            boolean element = f.runs != null;
            if (walked.contains(path) || element) {
                Runs r = null;
                if (roleArray) {
                    r = new Runs();
                    runs.putIfAbsent(path, r);
                }
                stack.push(new Frame(path, t == JsonToken.START_ARRAY, span, r, element, start, f.lastEnd));
            } else {
                skipDepth = 1;
            }
        } else {
            if (f.runs != null) {
                f.runs.element(start, end, f.lastEnd, false);
            }
            childEnded(f, end);
        }
    }

    private Span record(String path, Frame f, JsonToken t, JsonParser p, int start, int end) throws IOException {
        Span span = spans.get(path);
        boolean star = path.indexOf('*') >= 0;
        if (span == null) {
            span = new Span();
            spans.put(path, span);
        } else if (!star) {
            span.occurrences++;
            return null; // a duplicate member: the first is kept, the caller sees occurrences > 1
        }
        span.occurrences++;
        span.nameStart = f.array ? -1 : f.nameStart;
        span.valueStart = start;
        span.valueEnd = -1;
        span.prevEnd = f.lastEnd;
        span.nextStart = -1;
        span.kind = t;
        span.children = 0;
        span.text = null;
        if (!t.isStructStart()) {
            span.valueEnd = end;
            if (t == JsonToken.VALUE_STRING && end - start <= MAX_TEXT_BYTES || t.isNumeric()) {
                span.text = p.getText();
            }
        }
        f.lastChild = span;
        return span;
    }

    private void close(Frame f, int end) {
        stack.pop();
        if (f.span != null) {
            f.span.valueEnd = end;
            f.span.children = f.count;
            f.span.childrenTotal += f.count;
        }
        if (f.runs != null) {
            f.runs.end();
        }
        Frame parent = stack.peek();
        if (parent == null) {
            ended = true;
            return;
        }
        if (f.roleElement) {
            parent.runs.element(f.start, end, f.prevEnd, "system".equals(f.role) || "developer".equals(f.role));
        }
        childEnded(parent, end);
    }

    /** A child of {@code f} ended at {@code end}. */
    private static void childEnded(Frame f, int end) {
        f.count++;
        f.lastEnd = end;
    }

    /**
     * {@code system_instruction} → {@code systemInstruction}: Google's parser takes both, so Gemini bodies are
     * compared in one spelling (here and in the Gemini request reader).
     */
    public static String camel(String name) {
        if (name.indexOf('_') < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        boolean up = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_') {
                up = sb.length() > 0;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }
}
