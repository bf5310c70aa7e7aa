package io.sluice.providers;

import java.util.List;

/** A {@link ProviderDescriptor.Source} listed in this module's test resources, for {@link ProviderCatalog#get()}. */
public final class TestSource implements ProviderDescriptor.Source {

    static final String ID = "test-extra";
    static final String ALIAS = "test_extra";

    @Override
    public List<ProviderDescriptor> descriptors() {
        return List.of(ProviderDescriptor.builder(ID).aliases(ALIAS).baseUrl("http://127.0.0.1:9/v1").build());
    }
}
