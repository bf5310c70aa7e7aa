package io.sluice.proxy.json;

/** Client input as it may appear inside an error message or a log line. */
public final class Text {

    /** Longest piece of client input echoed back; longer input is cut with {@code ...}. */
    public static final int MAX_ECHO = 128;

    private Text() {
    }

    /** {@code s} with control characters as {@code ?}, cut at {@value #MAX_ECHO} characters. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_ECHO));
        for (int i = 0; i < s.length() && sb.length() < MAX_ECHO; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (s.length() > MAX_ECHO) {
            sb.append("...");
        }
        return sb.toString();
    }
}
