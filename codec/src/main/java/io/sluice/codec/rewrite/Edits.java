package io.sluice.codec.rewrite;

import io.sluice.codec.json.Edit;
import io.sluice.codec.json.RequestOutline.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the edits of one rewrite in terms of members and values, and works out the commas: members deleted next to
 * each other go as one run, members inserted into a container get a comma only when something stays after them.
 */
final class Edits {

    private final List<Edit> edits = new ArrayList<>();
    private final Map<Span, List<Span>> deletions = new IdentityHashMap<>();
    private final Map<Span, List<String>> inserts = new IdentityHashMap<>();
    private final List<Span> insertOrder = new ArrayList<>();

    /** Replaces {@code v}'s value with {@code json}. */
    void value(Span v, String json) {
        edits.add(new Edit(v.valueStart(), v.valueEnd(), json));
    }

    /** Replaces the whole member {@code m} (name and value) with {@code member} ({@code "name":value}). */
    void member(Span m, String member) {
        edits.add(new Edit(m.nameStart(), m.valueEnd(), member));
    }

    /** Puts {@code text} at {@code offset}. */
    void at(int offset, String text) {
        edits.add(new Edit(offset, offset, text));
    }

    /** Removes {@code [start, end)}. */
    void cut(int start, int end) {
        edits.add(new Edit(start, end, ""));
    }

    /** Removes member {@code m} of object {@code container}, with a comma next to it. */
    void delete(Span container, Span m) {
        if (m != null) {
            deletions.computeIfAbsent(container, k -> new ArrayList<>(2)).add(m);
        }
    }

    /** Adds {@code member} ({@code "name":value}) first in object {@code container}. */
    void insert(Span container, String member) {
        inserts.computeIfAbsent(container, k -> {
            insertOrder.add(k);
            return new ArrayList<>(2);
        }).add(member);
    }

    List<Edit> finish() {
        List<Edit> out = new ArrayList<>(edits);
        for (Map.Entry<Span, List<Span>> d : deletions.entrySet()) {
            List<Span> members = new ArrayList<>(d.getValue());
            members.sort(Comparator.comparingInt(Span::nameStart));
            int i = 0;
            while (i < members.size()) {
                Span first = members.get(i);
                Span last = first;
                while (i + 1 < members.size() && last.nextStart() == members.get(i + 1).nameStart()) {
                    last = members.get(++i);
                }
                i++;
                if (last.nextStart() >= 0) {
                    out.add(new Edit(first.nameStart(), last.nextStart(), ""));
                } else if (first.prevEnd() >= 0) {
                    out.add(new Edit(first.prevEnd(), last.valueEnd(), ""));
                } else {
                    out.add(new Edit(first.nameStart(), last.valueEnd(), ""));
                }
            }
        }
        for (Span container : insertOrder) {
            List<Span> deleted = deletions.get(container);
            int remaining = container.children() - (deleted == null ? 0 : deleted.size());
            out.add(new Edit(container.valueStart() + 1, container.valueStart() + 1,
                    String.join(",", inserts.get(container)) + (remaining > 0 ? "," : "")));
        }
        return out;
    }
}
