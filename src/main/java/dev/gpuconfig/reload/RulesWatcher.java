package dev.gpuconfig.reload;

import dev.gpuconfig.engine.RuleFolder;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Follows the rules folder: file events (subfolders included, and the {@code ..data} symlink swap
 * of Kubernetes ConfigMap volumes), backed by a periodic look at every file's size and time for
 * file systems that send no events. It only signals: {@link RulesManager#changed()} waits for the
 * folder to settle, builds and activates.
 */
@ApplicationScoped
public class RulesWatcher {
    private static final Logger LOG = Logger.getLogger(RulesWatcher.class);
    private static final long POLL_MS = 1000;

    private final RulesManager rules;
    private final RulesConfig config;
    private volatile WatchService watcher;
    private volatile Thread thread;
    private String seen;

    public RulesWatcher(RulesManager rules, RulesConfig config) {
        this.rules = rules;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.rules().watch()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        try {
            watcher = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            LOG.warnf("rules: no file events (%s); polling only", e.getMessage());
        }
        // register and take the first look before returning, so no change after start() is missed
        register(rules.folder());
        seen = fingerprint(rules.folder());
        thread = new Thread(this::loop, "rules-watch");
        thread.setDaemon(true);
        thread.start();
    }

    synchronized void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
        }
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException ignored) {
            // closing on shutdown
        }
    }

    /**
     * Signals the manager at each change the events or the periodic look find; the manager waits
     * for the folder to settle and activates it. Survives anything a look can throw, so hot reload
     * never ends silently.
     */
    private void loop() {
        Path root = rules.folder();
        while (thread == Thread.currentThread()) {
            try {
                boolean changed = waitForChange(root, POLL_MS);
                String now = fingerprint(root);
                if (changed || !Objects.equals(now, seen)) {
                    seen = now;
                    rules.changed();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("rules: watcher error, still watching", e);
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Waits up to {@code ms} for a relevant event; registers folders that appear. */
    private boolean waitForChange(Path root, long ms) throws InterruptedException {
        WatchService ws = watcher;
        if (ws == null) {
            Thread.sleep(ms);
            return false;
        }
        WatchKey key = ws.poll(ms, TimeUnit.MILLISECONDS);
        boolean relevant = false;
        while (key != null) {
            Path dir = (Path) key.watchable();
            for (WatchEvent<?> ev : key.pollEvents()) {
                if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                    relevant = true;
                    continue;
                }
                Path name = (Path) ev.context();
                if (!RuleFolder.editorTemp(name.toString())) {
                    relevant = true;
                    if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(dir.resolve(name))) {
                        register(dir.resolve(name));
                    }
                }
            }
            if (!key.reset() && dir.equals(root)) {
                register(root); // the folder itself was replaced
            }
            key = ws.poll();
        }
        return relevant;
    }

    private void register(Path dir) {
        WatchService ws = watcher;
        if (ws == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> dirs = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                d.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("rules: cannot watch %s: %s", dir, e.getMessage());
        }
    }

    /** Size and modification time of every file, following links: cheap, and catches what events miss. */
    static String fingerprint(Path root) {
        TreeMap<String, String> stats = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile() && !RuleFolder.editorTemp(p.getFileName().toString())) {
                    stats.put(root.relativize(p).toString(), a.size() + "@" + a.lastModifiedTime().toMillis());
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unreadable:" + e.getMessage();
        }
        return stats.toString();
    }
}
