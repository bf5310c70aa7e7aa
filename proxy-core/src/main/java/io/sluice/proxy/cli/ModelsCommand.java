package io.sluice.proxy.cli;

import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.route.ModelRouter;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Print the model ids clients can ask for, one per line, as /v1/models lists them.")
final class ModelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--all", description = "Include disabled providers.")
    boolean all;

    @Override
    public Integer call() {
        SluiceConfig cfg = ConfigLoader.load(config.resolve());
        PrintWriter out = spec.commandLine().getOut();
        for (ProviderConfig provider : all ? cfg.providers() : cfg.enabledProviders()) {
            for (String model : provider.models()) {
                out.println(ModelRouter.publicId(provider, model, cfg.routing().seedIds()));
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
