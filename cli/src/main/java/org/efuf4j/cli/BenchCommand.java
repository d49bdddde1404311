package org.efuf4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.efuf4j.tensor.Parallel;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code efuf bench [SUITE...]}: runs the registered benchmark suites, one machine-readable line per result. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run benchmarks (all suites, or the ones named). Each result is one line: NAME key=value ...")
final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "SUITE", description = "suites to run (default: all); see --list")
    List<String> names = new ArrayList<>();

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--quick", description = "small sizes and short timings: a smoke run")
    boolean quick;

    @Option(names = "--list", description = "list the suites and exit")
    boolean list;

    @Override public Integer call() throws Exception {
        TreeMap<String, BenchSuite> suites = new TreeMap<>();
        for (BenchSuite s : ServiceLoader.load(BenchSuite.class)) suites.put(s.name(), s);
        if (list) {
            suites.values().forEach(s -> System.out.printf("%-14s %s%n", s.name(), s.description()));
            return 0;
        }
        List<BenchSuite> chosen = new ArrayList<>();
        for (String n : names) {
            BenchSuite s = suites.get(n);
            if (s == null) throw new IllegalArgumentException("no benchmark suite '" + n + "'; known: " + String.join(", ", suites.keySet()));
            chosen.add(s);
        }
        if (chosen.isEmpty()) chosen.addAll(suites.values());
        if (threads != null) Parallel.setThreads(threads);
        BenchContext ctx = new BenchContext(Parallel.threads(), quick, System.out);
        System.out.printf("# efuf bench: %d suite(s), threads=%d, java=%s, cpu=%s%n", chosen.size(), Parallel.threads(),
                System.getProperty("java.version"), cpuName());
        for (BenchSuite s : chosen) s.run(ctx);
        return 0;
    }

    private static String cpuName() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim().replace(' ', '_');
        } catch (java.io.IOException | RuntimeException ignored) {
            // not Linux: fall back to the JVM's architecture name
        }
        return System.getProperty("os.arch");
    }
}
