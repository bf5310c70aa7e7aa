package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 20: the edit that makes a stream ask for usage, applied as slices around the client's bytes. */
class IncludeUsageEditTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\",\"stream\":true}|"
                + "{\"stream_options\":{\"include_usage\":true},\"model\":\"m\",\"stream\":true}",
        "{\"model\":\"m\",\"stream_options\":{\"include_usage\":false}}|"
                + "{\"model\":\"m\",\"stream_options\":{\"include_usage\":true}}",
        "{\"model\":\"m\",\"stream_options\":{}}|{\"model\":\"m\",\"stream_options\":{\"include_usage\":true}}",
        "{\"model\":\"m\",\"stream_options\":{ \"a\": [1] }}|"
                + "{\"model\":\"m\",\"stream_options\":{\"include_usage\":true, \"a\": [1] }}",
        "{\"model\":\"m\",\"stream_options\":null}|{\"model\":\"m\",\"stream_options\":{\"include_usage\":true}}",
        "{\"model\":\"m\",\"stream_options\":{\"include_usage\":null}}|"
                + "{\"model\":\"m\",\"stream_options\":{\"include_usage\":true}}",
    })
    void editAsksForUsage(String body, String expected) {
        for (int size : new int[] {1, 3, 7, 1000}) {
            ChatRequestScanner s = ChatRequestScannerTest.scan(body, size, Memory.MIXED);
            Edit e = s.includeUsageEdit();
            assertThat(e).as("chunks of %d", size).isNotNull();
            ByteBuf in = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            ByteBuf out = ModelSplice.apply(ByteBufAllocator.DEFAULT, in, e);
            try {
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
                assertThat(out.readableBytes() - in.readableBytes()).isEqualTo(e.delta());
            } finally {
                out.release();
                in.release();
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\",\"stream_options\":{\"include_usage\":true}}",
        "{\"model\":\"m\"",
    })
    void noEditWhenAskedOrInvalid(String body) {
        assertThat(ChatRequestScannerTest.scan(body, 5, Memory.MIXED).includeUsageEdit()).isNull();
    }
}
