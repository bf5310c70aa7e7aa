package io.sluice.proxy.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Sealer}: opens what it sealed, for the same slot and secret only; never shows the text. */
class SealerTest {

    private static final String KEY = "sk-live-0123456789abcdef";

    @Test
    void opensWhatItSealedForTheSameSlotAndSecretOnly() {
        Sealer a = new Sealer("secret-one-0123456789");
        String sealed = a.seal("{\"api_keys\":[\"" + KEY + "\"]}", "ns:config:provider:p:api_keys");
        assertThat(sealed).doesNotContain(KEY).doesNotContain("sk-");
        assertThat(a.seal("same", "slot")).isNotEqualTo(a.seal("same", "slot")); // a fresh nonce each time
        assertThat(new Sealer("secret-one-0123456789").open(sealed, "ns:config:provider:p:api_keys"))
                .contains(KEY);
        assertThat(a.open(sealed, "ns:config:provider:q:api_keys")).as("another slot").isNull();
        assertThat(new Sealer("secret-two-0123456789").open(sealed, "ns:config:provider:p:api_keys"))
                .as("another secret").isNull();
        assertThat(a.open("not base64 !", "slot")).isNull();
        assertThat(a.open("AAAA", "slot")).isNull();
    }
}
