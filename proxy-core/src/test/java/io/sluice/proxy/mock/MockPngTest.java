package io.sluice.proxy.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The mock's pictures are well-formed PNGs: chunk lengths and CRCs checked by hand, pixels by ImageIO. */
class MockPngTest {

    @Test
    void chunksAreWellFormedAndTheImageDecodes() throws IOException {
        byte[] png = MockPng.draw(MockHash.of("a lighthouse at dusk"));

        assertThat(Arrays.copyOf(png, 8)).containsExactly(MockPng.SIGNATURE);
        ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
        List<String> types = new ArrayList<>();
        while (in.hasRemaining()) {
            int length = in.getInt();
            byte[] typeAndData = new byte[4 + length];
            in.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            String type = new String(typeAndData, 0, 4, StandardCharsets.US_ASCII);
            assertThat(in.getInt()).as("CRC of %s", type).isEqualTo((int) crc.getValue());
            if (type.equals("IHDR")) {
                ByteBuffer ihdr = ByteBuffer.wrap(typeAndData, 4, length);
                assertThat(ihdr.getInt()).isEqualTo(MockPng.SIZE);
                assertThat(ihdr.getInt()).isEqualTo(MockPng.SIZE);
            }
            types.add(type);
        }
        assertThat(types).containsExactly("IHDR", "IDAT", "IEND");

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(MockPng.SIZE);
        assertThat(image.getHeight()).isEqualTo(MockPng.SIZE);
    }

    @Test
    void sameSeedSamePicture() {
        assertThat(MockPng.draw(42)).containsExactly(MockPng.draw(42));
        assertThat(MockPng.draw(42)).isNotEqualTo(MockPng.draw(43));
    }
}
