package dev.gpuconfig.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class loader rule builds see: the application's own, remembering the names it does not have.
 * Why: compiling MVEL probes many names that are not classes (inner-class guesses for every dotted
 * expression), and under Quarkus' runner class loader each miss reopens a jar and reads its
 * directory, which made a rebuild several times slower. The
 * application's classes do not change while it runs, so a miss stays a miss; the set is bounded
 * by the names the rules mention.
 */
final class MissingClassCache extends ClassLoader {
    private static final int MAX_NAMES = 100_000;

    static final MissingClassCache INSTANCE = new MissingClassCache(RuleSetBuilder.class.getClassLoader());

    static {
        registerAsParallelCapable();
    }

    private final Set<String> missing = ConcurrentHashMap.newKeySet();

    private MissingClassCache(ClassLoader app) {
        super("rules-classes", app);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (missing.contains(name)) {
            throw new ClassNotFoundException(name);
        }
        try {
            return super.loadClass(name, resolve);
        } catch (ClassNotFoundException e) {
            if (missing.size() < MAX_NAMES) {
                missing.add(name);
            }
            throw e;
        }
    }
}
