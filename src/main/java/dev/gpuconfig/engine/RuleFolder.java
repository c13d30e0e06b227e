package dev.gpuconfig.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A snapshot of the rules folder's content: every file that is not hidden or an editor's temp
 * file, by relative path with '/' separators, and the hash of it all that names the version.
 * Reading everything first means a build never sees a folder changing under it.
 */
public record RuleFolder(Path root, Map<String, byte[]> files, String version) {

    /** Hidden files and the lock and swap files of spreadsheet programs and editors are not rules. */
    public static boolean ignored(String fileName) {
        return fileName.startsWith(".") || editorTemp(fileName);
    }

    /**
     * Lock, swap and backup files of spreadsheet programs and editors: they change all the time and
     * say nothing about the policy. (Other hidden names, such as a ConfigMap's {@code ..data} link,
     * do signal a change.)
     */
    public static boolean editorTemp(String name) {
        return name.startsWith(".~lock") || name.startsWith("~$") || name.startsWith(".#") || name.endsWith(".swp")
                || name.endsWith(".swx") || name.endsWith("~") || name.endsWith(".tmp") || name.equals("4913");
    }

    public static RuleFolder read(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UncheckedIOException(new IOException("rules folder " + root.toAbsolutePath() + " does not exist"));
        }
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path rel = root.relativize(p);
                if (rel.toString().isEmpty() || !Files.isRegularFile(p)) {
                    continue;
                }
                boolean skip = false;
                for (Path part : rel) {
                    skip |= ignored(part.toString());
                }
                if (!skip) {
                    files.put(rel.toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RuleFolder(root, new LinkedHashMap<>(files), hash(files));
    }

    private static String hash(Map<String, byte[]> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Integer.toString(e.getValue().length).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue());
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String text(String file) {
        byte[] b = files.get(file);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
