package io.sluice.proxy.cli;

import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Load and validate a config file, print a summary; exit 2 if it is invalid.")
final class CheckConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        Path file = config.resolve();
        SluiceConfig cfg = ConfigLoader.load(file);
        ConfigOption.checkExposure(cfg, file); // what serve would refuse, check-config refuses too
        ConfigOption.checkFiles(cfg, file);
        PrintWriter out = spec.commandLine().getOut();
        ConfigSummary.lines(file, cfg).forEach(out::println);
        out.flush();
        return Main.EXIT_OK;
    }
}
