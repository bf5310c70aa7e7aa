package io.sluice.proxy.cli;

import io.sluice.proxy.StartupException;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.upstream.JdkHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParseResult;

/** The {@code sluice} command line: {@code serve}, {@code check-config}, {@code models}, {@code health}. */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Streaming gateway for LLM APIs.",
        subcommands = {ServeCommand.class, CheckConfigCommand.class, ModelsCommand.class, HealthCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static final int EXIT_OK = 0;
    /** The machine refused (port in use, ...): one line; anything unexpected: a stack trace. */
    public static final int EXIT_FAILURE = 1;
    /** Bad arguments or a bad config file; a one-line message is printed. */
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        JdkHttp.allowBasicProxyAuth(); // before any JDK HTTP client class reads it
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit code instead of exiting, for tests. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main());
        // The platform charset, as the JDK 17 System.out uses; PrintStream.charset() needs Java 18.
        cli.setOut(new PrintWriter(out, true, Charset.defaultCharset()));
        cli.setErr(new PrintWriter(err, true, Charset.defaultCharset()));
        cli.setExecutionExceptionHandler(Main::handle);
        return cli.execute(args);
    }

    /**
     * Config errors are the user's to fix: say what is wrong, no stack trace (exit 2). So are the machine's refusals
     * at startup (port in use, a file that cannot be opened): one line, exit 1.
     */
    private static int handle(Exception e, CommandLine cmd, ParseResult parsed) throws Exception {
        if (e instanceof ConfigException) {
            cmd.getErr().println("sluice: " + e.getMessage());
            cmd.getErr().flush();
            return EXIT_USAGE;
        }
        if (e instanceof StartupException || e instanceof UncheckedIOException) {
            cmd.getErr().println("sluice: " + e.getMessage());
            cmd.getErr().flush();
            return EXIT_FAILURE;
        }
        throw e;
    }

    /** The version Maven wrote into the jar; "dev" when running from classes. */
    static final class Version implements IVersionProvider {

        private static final String POM_PROPERTIES = "/META-INF/maven/io.sluice/sluice-proxy-core/pom.properties";

        @Override
        public String[] getVersion() {
            return new String[] {
                "sluice " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
            };
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream(POM_PROPERTIES)) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    return properties.getProperty("version", "dev");
                }
            } catch (IOException e) {
                // fall through: a version string is not worth failing for
            }
            return "dev";
        }
    }
}
