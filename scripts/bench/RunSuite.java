import java.util.ServiceLoader;
import org.efuf4j.tensor.bench.BenchContext;
import org.efuf4j.tensor.bench.BenchSuite;

/**
 * Runs registered bench suites by name until the `efuf bench` command exists; see run_suite.sh.
 * Usage: RunSuite [--quick] [--threads N] NAME...
 */
public class RunSuite {
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int threads = Runtime.getRuntime().availableProcessors();
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> names.add(args[i]);
            }
        }
        BenchContext ctx = new BenchContext(threads, quick, System.out);
        for (String name : names) {
            BenchSuite suite = ServiceLoader.load(BenchSuite.class).stream().map(ServiceLoader.Provider::get)
                    .filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no bench suite named " + name));
            suite.run(ctx);
        }
    }
}
