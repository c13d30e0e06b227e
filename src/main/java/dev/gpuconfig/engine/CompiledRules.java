package dev.gpuconfig.engine;

import org.drools.base.common.DroolsObjectInputStream;
import org.drools.base.common.DroolsObjectOutputStream;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.drools.kiesession.rulebase.KnowledgeBaseFactory;
import org.jboss.logging.Logger;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.definition.KiePackage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compiled rule packages kept on disk by folder version, so that a start on a folder this build
 * of the service has compiled before (an earlier start, the image's training run, an edit that is
 * reverted) reads them instead of parsing and compiling the DRL and the decision tables: the
 * slowest part of a cold start (docs/performance.md, round 7). Drools' own pre-built kjars used to
 * carry the same thing (kbase.cache); Drools 10 still serializes its compiled packages, not a
 * whole rule base, so the rule base is assembled from them here.
 * <p>
 * An entry is written only for a rule set that passed its policy tests, is named by the folder's
 * content hash together with this build of the service (a rebuilt service never reads an older
 * build's classes), and a rule set read from it must pass the policy tests again before it is
 * used. Anything unreadable is deleted and the folder compiled as if there were no cache; a
 * folder that cannot be written only costs the next start its head start.
 */
public final class CompiledRules {
    private static final Logger LOG = Logger.getLogger(CompiledRules.class);
    private static final String DIR_NAME = "gpu-config-compiled-rules";
    /** The folder when none is configured: gpu.rules.cache-dir, GPU_RULES_CACHE_DIR. */
    public static final String DEFAULT_DIR = "${java.io.tmpdir}/" + DIR_NAME;
    /** Entries kept: the ones written or read last, so rebuilt services and old rule versions do not pile up. */
    static final int KEEP = 8;
    private static final String SUFFIX = ".rules";
    private static final String BUILD_ID = readBuildId();

    private final Path dir;
    private final String buildId;
    private volatile boolean distrustSaid;

    public CompiledRules(Path dir) {
        this(dir, BUILD_ID);
    }

    CompiledRules(Path dir, String buildId) {
        this.dir = dir.toAbsolutePath().normalize();
        this.buildId = buildId;
    }

    /** {@link #DEFAULT_DIR}, for the launcher, which reads its settings before the configuration exists. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), DIR_NAME);
    }

    public Path dir() {
        return dir;
    }

    /** The rule base compiled earlier from the folder version {@code version}, or null. */
    InternalKnowledgeBase read(String version, ClassLoader cl) {
        Path file = file(version);
        if (!Files.isRegularFile(file) || !trusted()) {
            return null;
        }
        try (ObjectInputStream in = new DroolsObjectInputStream(new BufferedInputStream(Files.newInputStream(file)), cl)) {
            if (!header(version).equals(in.readUTF())) {
                throw new IOException("written for another version or build");
            }
            @SuppressWarnings("unchecked")
            List<KiePackage> packages = (List<KiePackage>) in.readObject();
            InternalKnowledgeBase base = KnowledgeBaseFactory.newKnowledgeBase(configuration(cl));
            base.addPackages(packages);
            touch(file); // pruning keeps the entries used last, not the ones written last
            return base;
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError | StackOverflowError e) {
            // a deep object graph on the service's small thread stacks (-Xss512k) included: compiling still works
            LOG.warnf("compiled rules: %s unusable, compiling the folder instead: %s", file, e);
            forget(version);
            return null;
        }
    }

    /** Keeps a rule set that passed its policy tests (and was not itself read from here). */
    public void keep(RuleSet rs) {
        write(rs.version(), rs.kieBase().getKiePackages());
    }

    void write(String version, Collection<KiePackage> packages) {
        Path tmp = null;
        try {
            createDir();
            if (!trusted()) {
                return;
            }
            tmp = Files.createTempFile(dir, ".writing-", ".tmp");
            try (ObjectOutputStream out = new DroolsObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeUTF(header(version));
                out.writeObject(new ArrayList<>(packages));
            }
            Files.move(tmp, file(version), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            prune();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("compiled rules: cannot keep version %s in %s (the next start compiles it): %s", version, dir, e);
        } finally {
            if (tmp != null) {
                tmp.toFile().delete();
            }
        }
    }

    /** Drops the entry of {@code version}: it could not be read, or its rules failed their tests. */
    void forget(String version) {
        try {
            Files.deleteIfExists(file(version));
        } catch (IOException e) {
            LOG.warnf("compiled rules: cannot delete %s: %s", file(version), e);
        }
    }

    Path file(String version) {
        return dir.resolve(sha256(buildId + "\n" + version).substring(0, 32) + SUFFIX);
    }

    private String header(String version) {
        return "gpu-config compiled rules 1\n" + buildId + "\n" + version;
    }

    /**
     * Whether the folder may be used. An entry is code the service runs (its rules' consequences),
     * so the folder must be the service user's own and writable by nobody else, as the rules
     * folder must be: the default is under a shared /tmp, where another user could otherwise
     * create the folder first and plant entries. Checked at each use (one stat); said once.
     */
    private boolean trusted() {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> p = a.permissions();
            Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object self = processUid();
            boolean ours = self != null ? self.equals(uid) : a.owner().getName().equals(System.getProperty("user.name"));
            if (a.isDirectory() && ours && !p.contains(PosixFilePermission.GROUP_WRITE)
                    && !p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return true;
            }
            if (!distrustSaid) {
                distrustSaid = true;
                LOG.warnf("compiled rules: not using %s: it must be a folder of this service's user that nobody"
                        + " else may write (owner uid %s, %s)", dir, uid, PosixFilePermissions.toString(p));
            }
            return false;
        } catch (UnsupportedOperationException e) {
            return true; // not a POSIX file system (a developer's Windows machine): nothing to check
        } catch (IOException e) {
            return false;
        }
    }

    private void createDir() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made meanwhile by another process: trusted() decides
        }
    }

    private static Object processUid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return null; // no /proc: the owner's name is compared instead
        }
    }

    private void prune() throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted(Comparator.comparing(CompiledRules::modified).reversed()).toList();
        }
        for (Path old : entries.subList(Math.min(KEEP, entries.size()), entries.size())) {
            Files.deleteIfExists(old);
        }
    }

    /** The settings the compiled path gives its rule base. */
    private static KieBaseConfiguration configuration(ClassLoader cl) {
        KieBaseConfiguration conf = KieServices.get().newKieBaseConfiguration(null, cl);
        RuleSetBuilder.RULE_BASE_SETTINGS.forEach(conf::setProperty);
        return conf;
    }

    private static void touch(Path p) {
        try {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // an entry that cannot be touched is only pruned sooner
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Written by the Maven build (src/main/resources-filtered): different for every build. */
    private static String readBuildId() {
        try (InputStream in = CompiledRules.class.getResourceAsStream("build-id")) {
            if (in == null) {
                throw new IllegalStateException("no dev/gpuconfig/engine/build-id resource: build with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
