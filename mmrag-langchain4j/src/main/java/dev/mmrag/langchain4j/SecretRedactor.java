package dev.mmrag.langchain4j;

import java.util.List;

/**
 * Replaces known secrets (the API key) in a model's answer with {@value #REDACTED}, also when the answer arrives in
 * pieces and a secret is cut between two of them: it holds back an end of the text that may be the start of a
 * secret (at most the longest secret's length minus one characters) until the next piece or the end. A model can be made to
 * echo its key (a prompt injection in a product text can ask for it), and the answer is printed. Only an end of the
 * text that is the start of a secret is held back, so text without secrets streams as it comes.
 *
 * <p>Thread-safety: not thread-safe; one redactor cleans one answer.
 */
final class SecretRedactor {

    /** What a secret is replaced with. */
    static final String REDACTED = "[redacted]";

    private final List<String> secrets;
    private final StringBuilder pending = new StringBuilder();

    /** @param secrets the secrets, none blank */
    SecretRedactor(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    /**
     * @param piece the next piece of the answer
     * @return the text that is safe to show now, with the secrets replaced
     */
    String accept(String piece) {
        if (secrets.isEmpty()) {
            return piece;
        }
        pending.append(piece);
        replaceSecrets(0);
        int release = pending.length() - heldEnd();
        String out = pending.substring(0, release);
        pending.delete(0, release);
        return out;
    }

    /** @return the rest of the answer, with the secrets replaced */
    String finish() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    /** @return the length of the longest end of the pending text that is the start of a secret */
    private int heldEnd() {
        int longest = 0;
        for (String secret : secrets) {
            for (int k = Math.min(secret.length() - 1, pending.length()); k > longest; k--) {
                if (endsWith(secret, k)) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }

    /** Whether the pending text ends with the first {@code k} characters of the secret. */
    private boolean endsWith(String secret, int k) {
        int start = pending.length() - k;
        for (int i = 0; i < k; i++) {
            if (pending.charAt(start + i) != secret.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Replaces every secret that starts at or after {@code from}; what is before was searched already. */
    private void replaceSecrets(int from) {
        boolean replaced = true;
        while (replaced) {
            replaced = false;
            for (String secret : secrets) {
                int at = pending.indexOf(secret, from);
                if (at >= 0) {
                    pending.replace(at, at + secret.length(), REDACTED);
                    replaced = true;
                }
            }
        }
    }
}
