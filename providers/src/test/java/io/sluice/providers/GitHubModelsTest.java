package io.sluice.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GitHubModelsTest {

    /** GitHub's {@code publisher/model}: one slash, lowercase publisher and model, nothing else. */
    private static final Pattern PUBLISHER_MODEL = Pattern.compile("[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9.-]*");

    @Test
    void fiftyEightUniquePublisherSlashModelIds() {
        assertThat(GitHubModels.MODELS).hasSize(58).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches(PUBLISHER_MODEL));
    }

    @Test
    void countsPerPublisher() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String id : GitHubModels.MODELS) {
            counts.merge(id.substring(0, id.indexOf('/')), 1, Integer::sum);
        }
        assertThat(counts).containsOnly(
                entry("openai", 17),
                entry("microsoft", 15),
                entry("meta", 7),
                entry("mistral-ai", 6),
                entry("cohere", 5),
                entry("deepseek", 3),
                entry("ai21-labs", 2),
                entry("xai", 2),
                entry("core42", 1));
    }
}
