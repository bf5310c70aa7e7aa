package io.sluice.proxy.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what instances share through Redis and must not hold in clear (provider keys of admin edits): AES-256-GCM
 * under a key derived from {@code state.secret} (SHA-256 of a fixed label and the secret), a random 96-bit nonce per
 * message, and the slot the text belongs to as associated data, so a sealed text moved to another slot does not open.
 * Text form: base64 of nonce, ciphertext and tag.
 */
public final class Sealer {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public Sealer(String secret) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("sluice-state-seal-v1:".getBytes(StandardCharsets.US_ASCII));
            this.key = new SecretKeySpec(d.digest(secret.getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** {@code plain} sealed for {@code slot}. */
    public String seal(String plain, String slot) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(slot.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce)
                    .put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** The text {@link #seal} sealed for {@code slot}; null when it was not sealed with this secret for it. */
    public String open(String sealed, String slot) {
        try {
            byte[] all = Base64.getDecoder().decode(sealed);
            if (all.length <= NONCE_BYTES) {
                return null;
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(slot.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null; // another secret, another slot, or not sealed at all
        }
    }
}
