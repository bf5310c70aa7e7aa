package io.sluice.proxy.speech;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 9110 §14: one byte range parsed and resolved; what is not served whole is ignored (null). */
class ByteRangeTest {

    @Test
    void parsesTheThreeForms() {
        assertThat(ByteRange.parse("bytes=2-5")).isEqualTo(new ByteRange(2, 5, -1));
        assertThat(ByteRange.parse("bytes=10-")).isEqualTo(new ByteRange(10, -1, -1));
        assertThat(ByteRange.parse("bytes=-300")).isEqualTo(new ByteRange(-1, -1, 300));
        assertThat(ByteRange.parse(" Bytes = 0 - 1 ".replace("Bytes = ", "Bytes="))).isEqualTo(new ByteRange(0, 1, -1));
        assertThat(ByteRange.parse("bytes=0-").whole()).isTrue();
        assertThat(ByteRange.parse("bytes=1-").whole()).isFalse();
    }

    @Test
    void ignoresWhatItDoesNotServe() {
        for (String h : new String[] {null, "", "bytes=", "bytes=-", "bytes=5-2", "bytes=a-b", "items=0-1",
                "bytes=0-1,3-4", "bytes=1", "bytes=99999999999999999999-"}) {
            assertThat(ByteRange.parse(h)).as(h).isNull();
        }
    }

    @Test
    void resolvesAgainstALength() {
        assertThat(ByteRange.parse("bytes=2-5").resolve(16)).isEqualTo(new ByteRange.Span(2, 5));
        assertThat(ByteRange.parse("bytes=2-500").resolve(16)).isEqualTo(new ByteRange.Span(2, 15));
        assertThat(ByteRange.parse("bytes=-3").resolve(16)).isEqualTo(new ByteRange.Span(13, 15));
        assertThat(ByteRange.parse("bytes=-300").resolve(16)).isEqualTo(new ByteRange.Span(0, 15));
        assertThat(ByteRange.parse("bytes=2-5").resolve(16).length()).isEqualTo(4);
        assertThat(ByteRange.parse("bytes=16-").resolve(16)).isNull();
        assertThat(ByteRange.parse("bytes=-0").resolve(16)).isNull();
        assertThat(ByteRange.parse("bytes=0-").resolve(0)).isNull();
    }
}
