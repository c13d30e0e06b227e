package dev.gpuconfig.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gpuconfig.engine.RuleFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kubernetes manifests of deploy/kubernetes as the cluster would get them: rendered by
 * {@code kubectl kustomize} (a real process, whatever kubectl is on the PATH: 1.20's kustomize
 * v2.0.3 and 1.32's v5 both render them), then read back as objects. What is checked is what a
 * broken manifest would break: pods that start, stay safe, receive calls and are counted; the
 * shared store's Secret; and, above all, a rules volume that is exactly the rules folder, so a
 * rule file that is not listed for Kubernetes fails here and not in production.
 *
 * <p>YAML is read with jackson-dataformat-yaml, which the application already has (through
 * quarkus-smallrye-openapi). It is not declared with test scope in pom.xml: Maven would then
 * leave it out of the runnable jar, where OpenAPI needs it.
 */
class KubernetesManifestsTest {
    private static final String BASE = "deploy/kubernetes/base";
    private static final String OVERLAY = "deploy/kubernetes/overlays/postgresql";
    private static final String DEPLOYMENT_FILE = "deploy/kubernetes/base/deployment.yaml";
    private static final Path RULES = Path.of("rules");
    private static final String RULES_KUSTOMIZATION = "rules/kustomization.yaml";
    private static final int PORT = 8080;
    /** The API server's bound on a ConfigMap: keys and values together (binaryData decoded). */
    private static final int CONFIGMAP_LIMIT = 1024 * 1024;
    /** kustomize appends '-' and ten characters of the content's hash to a generated name. */
    private static final String HASH_SUFFIX = "-[a-z0-9]{10}";
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Map<String, Rendered> RENDERED = new HashMap<>();

    // ---- the pods ----

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void threeReplicasThatStayAvailableWhileRolling(String dir) {
        Rendered r = render(dir);
        JsonNode d = r.deployment();
        assertEquals(3, d.path("spec").path("replicas").asInt(), "replicas");
        JsonNode rolling = d.path("spec").path("strategy").path("rollingUpdate");
        assertTrue(Set.of("0", "0%").contains(rolling.path("maxUnavailable").asText()),
                "a rollout must start new pods before it stops old ones (maxUnavailable 0): " + rolling);
        assertSelects(d.path("spec").path("selector").path("matchLabels"), r.podLabels(), "the Deployment's selector");
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void nonRootWithAReadOnlyRootFileSystem(String dir) {
        Rendered r = render(dir);
        JsonNode pod = r.podSpec().path("securityContext");
        JsonNode c = r.container().path("securityContext");
        assertTrue(effective(c, pod, "runAsNonRoot").asBoolean(), "runAsNonRoot");
        assertEquals(1001, effective(c, pod, "runAsUser").asInt(), "runAsUser (the image's USER)");
        assertTrue(c.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
        assertFalse(c.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation must be false");
        assertTrue(texts(c.path("capabilities").path("drop")).contains("ALL"), "capabilities.drop ALL");
        assertEquals("RuntimeDefault", effective(c, pod, "seccompProfile").path("type").asText(), "seccompProfile");
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void whatTheServiceWritesIsOnWritableVolumes(String dir) {
        Rendered r = render(dir);
        String store = r.env("GPU_STORE_DIR");
        assertEquals("/deployments/data", store, "GPU_STORE_DIR: the image's data folder");
        for (String path : List.of("/tmp", store)) {
            JsonNode mount = r.mountAt(path);
            assertNotNull(mount, path + " must be a volume: the root file system is read-only");
            assertFalse(mount.path("readOnly").asBoolean(), path + " must be writable");
            assertTrue(r.volume(mount.path("name").asText()).has("emptyDir"), path + " from an emptyDir");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void probesAskTheHealthEndpointsOnTheServicePort(String dir) {
        Rendered r = render(dir);
        JsonNode c = r.container();
        Map<String, String> paths = Map.of("readinessProbe", "/q/health/ready", "livenessProbe", "/q/health/live",
                "startupProbe", "/q/health/started");
        for (Map.Entry<String, String> e : paths.entrySet()) {
            JsonNode get = c.path(e.getKey()).path("httpGet");
            if (e.getKey().equals("startupProbe") && c.path(e.getKey()).isMissingNode()) {
                continue;
            }
            assertEquals(e.getValue(), get.path("path").asText(), e.getKey() + " path");
            assertEquals(PORT, r.containerPort(get.path("port")), e.getKey() + " port");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void resourcesAreBoundedAboveTheMeasuredPeak(String dir) {
        JsonNode res = render(dir).container().path("resources");
        for (String kind : List.of("requests", "limits")) {
            for (String what : List.of("cpu", "memory")) {
                assertFalse(res.path(kind).path(what).asText().isEmpty(), "resources." + kind + "." + what + " must be set");
            }
        }
        long limit = bytes(res.path("limits").path("memory").asText());
        // resident memory peaks at about 293 MB under load with the outcome store (docs/performance.md):
        // a limit at the peak kills pods; keep a fifth above it
        assertTrue(limit >= 352L * 1024 * 1024, "memory limit " + res.path("limits").path("memory").asText()
                + " leaves too little headroom above the measured peak of about 293 MB");
        assertTrue(bytes(res.path("requests").path("memory").asText()) <= limit, "memory request above its limit");
    }

    // ---- what points at the pods ----

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void theServiceReachesThePodsOnTheirPort(String dir) {
        Rendered r = render(dir);
        JsonNode s = r.one("Service").path("spec");
        assertEquals("ClusterIP", s.path("type").asText("ClusterIP"), "the Service's type");
        assertSelects(s.path("selector"), r.podLabels(), "the Service's selector");
        JsonNode port = s.path("ports").path(0);
        assertEquals(1, s.path("ports").size(), "one port");
        assertEquals("http", port.path("name").asText(), "the Service's port name");
        assertEquals(80, port.path("port").asInt(), "the Service's port");
        assertEquals(PORT, r.containerPort(port.path("targetPort")), "the Service's targetPort");
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void theDisruptionBudgetAndTheAutoscalerTargetTheDeployment(String dir) {
        Rendered r = render(dir);
        JsonNode d = r.deployment();
        int replicas = d.path("spec").path("replicas").asInt();
        JsonNode pdb = r.one("PodDisruptionBudget").path("spec");
        assertSelects(pdb.path("selector").path("matchLabels"), r.podLabels(), "the PodDisruptionBudget's selector");
        boolean drainable = pdb.has("maxUnavailable") ? pdb.path("maxUnavailable").asInt() >= 1
                : pdb.path("minAvailable").asInt(replicas) < replicas;
        assertTrue(drainable, "the PodDisruptionBudget must let one pod go, or no node can be drained: " + pdb);

        JsonNode hpa = r.one("HorizontalPodAutoscaler");
        assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
        JsonNode target = hpa.path("spec").path("scaleTargetRef");
        assertEquals("Deployment", target.path("kind").asText(), "the autoscaler's target kind");
        assertEquals("apps/v1", target.path("apiVersion").asText(), "the autoscaler's target apiVersion");
        assertEquals(d.path("metadata").path("name").asText(), target.path("name").asText(), "the autoscaler's target");
        assertEquals(replicas, hpa.path("spec").path("minReplicas").asInt(), "minReplicas: the Deployment's count");
        assertTrue(hpa.path("spec").path("maxReplicas").asInt() > replicas, "maxReplicas");
        boolean cpu = false;
        for (JsonNode m : hpa.path("spec").path("metrics")) {
            cpu |= m.path("resource").path("name").asText().equals("cpu")
                    && m.path("resource").path("target").path("type").asText().equals("Utilization");
        }
        assertTrue(cpu, "the autoscaler scales on CPU utilization");
        assertFalse(r.container().path("resources").path("requests").path("cpu").isMissingNode(),
                "CPU utilization is a share of the CPU request: it must be set");
    }

    // ---- the store ----

    @Test
    void theBaseReadsTheStoreSecretOptionallyAndHasNoSharedStore() {
        Rendered r = render(BASE);
        JsonNode secret = r.storeSecret();
        for (String key : List.of("GPU_STORE_URL", "GPU_STORE_USER", "GPU_STORE_PASSWORD")) {
            JsonNode ref = r.secretRef(key, secret);
            assertTrue(ref.path("optional").asBoolean(), key + ": the base's Secret is empty, so the key must be optional"
                    + " or no pod starts");
        }
        assertTrue(secret.path("data").path("GPU_STORE_URL").isMissingNode(), "the base uses the embedded store");
    }

    @Test
    void thePostgresqlOverlayGivesEveryReplicaTheSameDatabase() {
        Rendered r = render(OVERLAY);
        JsonNode secret = r.storeSecret();
        for (String key : List.of("GPU_STORE_URL", "GPU_STORE_USER", "GPU_STORE_PASSWORD")) {
            r.secretRef(key, secret);
            String value = r.secretValue(secret, key);
            assertNotNull(value, "the overlay's gpu-store Secret must carry " + key + " (overlays/postgresql/store.env)");
            assertFalse(value.isBlank(), key + " is empty in overlays/postgresql/store.env");
        }
        String url = r.secretValue(secret, "GPU_STORE_URL");
        assertTrue(url.startsWith("jdbc:postgresql://"), "GPU_STORE_URL must be a PostgreSQL JDBC URL: " + url);
        assertEquals(r.podSpec().path("volumes").size(), render(BASE).podSpec().path("volumes").size(),
                "the overlay keeps the base's volumes");
    }

    // ---- the rules ----

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void theRulesVolumeIsMountedWholeReadOnlyFromTheGeneratedConfigMaps(String dir) throws IOException {
        Rendered r = render(dir);
        String rulesDir = r.env("GPU_RULES_DIR");
        assertEquals("/deployments/rules", rulesDir, "GPU_RULES_DIR: the image's rules folder");
        JsonNode mount = r.mountAt(rulesDir);
        assertNotNull(mount, "nothing is mounted at GPU_RULES_DIR " + rulesDir);
        assertTrue(mount.path("readOnly").asBoolean(), "the rules volume must be mounted read-only");
        assertTrue(mount.path("subPath").isMissingNode() && mount.path("subPathExpr").isMissingNode(),
                "a subPath mount is never updated: mount the rules volume whole");
        JsonNode volume = r.volume(mount.path("name").asText());
        assertTrue(volume.has("projected"), "the rules volume must be one projected volume (one `..data` swap for the"
                + " whole folder, subfolders included): " + volume);

        // every generator of rules/kustomization.yaml, by its hashed name, and nothing else
        Set<String> referenced = new HashSet<>();
        for (JsonNode source : volume.path("projected").path("sources")) {
            referenced.add(source.path("configMap").path("name").asText());
        }
        // Hashed names, so that a rules change rolls the pods; plain ones when rules/kustomization.yaml
        // turns the hash off for reloads in place (deploy/kubernetes/README.md).
        boolean hashed = !YAML.readTree(RULES.resolve("kustomization.yaml").toFile())
                .path("generatorOptions").path("disableNameSuffixHash").asBoolean();
        Set<String> generated = new HashSet<>();
        for (String generator : generatorNames()) {
            JsonNode cm = hashed ? r.generated("ConfigMap", generator) : r.named("ConfigMap", generator);
            assertNotNull(cm, "no ConfigMap " + generator + (hashed ? "-<hash>" : "") + " in the rendering of " + dir);
            generated.add(cm.path("metadata").path("name").asText());
        }
        assertEquals(generated, referenced, "the rules volume must use the generated ConfigMaps, by the hashed names"
                + " kustomize gives them (it rewrites the references to the generators' names)");
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void theRulesVolumeShowsTheRulesFolderByteForByte(String dir) throws IOException {
        Rendered r = render(dir);
        List<String> problems = new ArrayList<>();
        Map<String, String> unprojected = new TreeMap<>();
        Map<String, byte[]> shown = r.rulesVolumeFiles(problems, unprojected);
        // the files the service reads from rules/ (RuleFolder skips hidden files and editor temp files),
        // kustomization.yaml included: the pods then report the version bin/check-rules prints
        Map<String, byte[]> folder = RuleFolder.read(RULES).files();
        String top = generatorNames().get(0);
        String sub = generatorNames().size() > 1 ? generatorNames().get(1) : "<a second generator>";
        for (Map.Entry<String, byte[]> e : folder.entrySet()) {
            String path = e.getKey();
            byte[] copy = shown.get(path);
            if (copy == null) {
                if (!path.contains("/")) {
                    problems.add("rules/" + path + " is not in the pods' rules folder: list `- " + path + "` under the files"
                            + " of " + top + " in " + RULES_KUSTOMIZATION);
                } else if (unprojected.containsKey(path.replace('/', '_'))) {
                    String key = path.replace('/', '_');
                    problems.add("rules/" + path + " is key " + key + " of ConfigMap " + unprojected.remove(key) + " but in no"
                            + " item of the rules volume, so pods do not see it: add `- {key: " + key + ", path: " + path
                            + "}` to the items of the rules volume in " + DEPLOYMENT_FILE);
                } else {
                    String key = path.replace('/', '_');
                    problems.add("rules/" + path + " is not in the pods' rules folder: add `- " + key + "=" + path
                            + "` under the files of " + sub + " in " + RULES_KUSTOMIZATION + ", and `- {key: " + key
                            + ", path: " + path + "}` to the items of the rules volume in " + DEPLOYMENT_FILE);
                }
            } else if (!Arrays.equals(e.getValue(), copy)) {
                problems.add("rules/" + path + " differs in the pods' rules folder (" + e.getValue().length + " bytes in"
                        + " rules/, " + copy.length + " in the volume)");
            }
        }
        unprojected.forEach((key, configMap) -> problems.add("key " + key + " of ConfigMap " + configMap + " is in no item of"
                + " the rules volume, so pods do not see it: add `- {key: " + key + ", path: <its path under rules/>}` to"
                + " the items in " + DEPLOYMENT_FILE));
        for (String path : shown.keySet()) {
            if (!folder.containsKey(path)) {
                problems.add("the pods' rules folder has " + path + ", which rules/ does not: fix or remove its entry in "
                        + RULES_KUSTOMIZATION + " / the items in " + DEPLOYMENT_FILE);
            }
        }
        assertTrue(problems.isEmpty(), "the rules volume rendered from " + dir + " is not the rules folder:\n  "
                + String.join("\n  ", problems));
    }

    @ParameterizedTest
    @ValueSource(strings = {BASE, OVERLAY})
    void everyConfigMapIsUnderTheSizeLimit(String dir) {
        for (JsonNode cm : render(dir).all("ConfigMap")) {
            long size = 0;
            for (Map.Entry<String, byte[]> e : Rendered.content(cm).entrySet()) {
                size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
            }
            assertTrue(size <= CONFIGMAP_LIMIT, "ConfigMap " + cm.path("metadata").path("name").asText() + " holds " + size
                    + " bytes; the API server refuses more than 1 MiB: split it (a second generator in "
                    + RULES_KUSTOMIZATION + " and a second source of the rules volume)");
        }
    }

    // ---- rendering and reading ----

    private static synchronized Rendered render(String dir) {
        return RENDERED.computeIfAbsent(dir, KubernetesManifestsTest::kustomize);
    }

    private static Rendered kustomize(String dir) {
        String kubectl = kubectl();
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process p = new ProcessBuilder(kubectl, "kustomize", dir).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("`" + kubectl + " kustomize " + dir + "` did not finish within 120 s");
                }
                String stderr = Files.readString(err);
                if (p.exitValue() != 0) {
                    fail("`" + kubectl + " kustomize " + dir + "` failed (exit " + p.exitValue() + "):\n" + stderr);
                }
                List<JsonNode> objects = new ArrayList<>();
                for (JsonNode o : YAML.readerFor(JsonNode.class).<JsonNode>readValues(out).readAll()) {
                    if (o != null && o.has("kind")) {
                        objects.add(o);
                    }
                }
                return new Rendered(dir, objects);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run `" + kubectl + " kustomize " + dir + "`: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** kubectl from the PATH; its absence fails the test (the manifests are not checked otherwise). */
    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("kubectl is not on the PATH: this test renders deploy/kubernetes with `kubectl kustomize` (kubectl"
                + " 1.20 or newer). Install it, on Debian with `apt-get install kubernetes-client` (.ci/run does so"
                + " when it is missing).");
    }

    /** The ConfigMap generators of rules/kustomization.yaml, in order: the top of the folder first. */
    private static List<String> generatorNames() throws IOException {
        JsonNode k = YAML.readTree(RULES.resolve("kustomization.yaml").toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode g : k.path("configMapGenerator")) {
            names.add(g.path("name").asText());
        }
        assertFalse(names.isEmpty(), RULES_KUSTOMIZATION + " has no configMapGenerator");
        return names;
    }

    private static void assertSelects(JsonNode selector, JsonNode podLabels, String what) {
        assertTrue(selector.isObject() && selector.size() > 0, what + " is empty: " + selector);
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(e.getValue().asText(), podLabels.path(e.getKey()).asText(null),
                    what + " must match the pods' label " + e.getKey() + " (pod labels: " + podLabels + ")");
        }
    }

    /** A container's security setting, or the pod's when the container does not set it. */
    private static JsonNode effective(JsonNode container, JsonNode pod, String field) {
        return container.has(field) ? container.get(field) : pod.path(field);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A Kubernetes memory quantity in bytes (the suffixes manifests use). */
    private static long bytes(String quantity) {
        Map<String, Long> units = new LinkedHashMap<>();
        units.put("Ki", 1L << 10);
        units.put("Mi", 1L << 20);
        units.put("Gi", 1L << 30);
        units.put("k", 1000L);
        units.put("M", 1000L * 1000);
        units.put("G", 1000L * 1000 * 1000);
        for (Map.Entry<String, Long> u : units.entrySet()) {
            if (quantity.endsWith(u.getKey())) {
                return Long.parseLong(quantity.substring(0, quantity.length() - u.getKey().length())) * u.getValue();
            }
        }
        return Long.parseLong(quantity);
    }

    /** The objects of one rendering. */
    private record Rendered(String dir, List<JsonNode> objects) {

        List<JsonNode> all(String kind) {
            return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        }

        JsonNode one(String kind) {
            List<JsonNode> found = all(kind);
            assertEquals(1, found.size(), "one " + kind + " in the rendering of " + dir);
            return found.get(0);
        }

        JsonNode named(String kind, String name) {
            return all(kind).stream().filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst()
                    .orElse(null);
        }

        /** The object kustomize generated as {@code generator}: its name with a content hash appended. */
        JsonNode generated(String kind, String generator) {
            List<JsonNode> found = all(kind).stream()
                    .filter(o -> o.path("metadata").path("name").asText().matches(java.util.regex.Pattern.quote(generator)
                            + HASH_SUFFIX))
                    .toList();
            assertTrue(found.size() <= 1, "more than one " + kind + " generated as " + generator + " in " + dir);
            return found.isEmpty() ? null : found.get(0);
        }

        JsonNode deployment() {
            return one("Deployment");
        }

        JsonNode podSpec() {
            return deployment().path("spec").path("template").path("spec");
        }

        JsonNode podLabels() {
            return deployment().path("spec").path("template").path("metadata").path("labels");
        }

        JsonNode container() {
            assertEquals(1, podSpec().path("containers").size(), "one container");
            return podSpec().path("containers").path(0);
        }

        String env(String name) {
            for (JsonNode e : container().path("env")) {
                if (e.path("name").asText().equals(name)) {
                    return e.path("value").asText(null);
                }
            }
            return null;
        }

        JsonNode mountAt(String path) {
            for (JsonNode m : container().path("volumeMounts")) {
                if (m.path("mountPath").asText().equals(path)) {
                    return m;
                }
            }
            return null;
        }

        JsonNode volume(String name) {
            for (JsonNode v : podSpec().path("volumes")) {
                if (v.path("name").asText().equals(name)) {
                    return v;
                }
            }
            return fail("no volume " + name + " in the pods of " + dir);
        }

        /** The container port a probe's or the Service's port names (by name or number). */
        int containerPort(JsonNode port) {
            for (JsonNode p : container().path("ports")) {
                if (port.isNumber() ? p.path("containerPort").asInt() == port.asInt()
                        : p.path("name").asText().equals(port.asText())) {
                    return p.path("containerPort").asInt();
                }
            }
            return fail("port " + port + " is not a port of the container in " + dir);
        }

        /** The one generated gpu-store Secret. */
        JsonNode storeSecret() {
            JsonNode secret = generated("Secret", "gpu-store");
            assertNotNull(secret, "no generated gpu-store Secret in the rendering of " + dir);
            assertEquals(1, all("Secret").size(), "one Secret in " + dir);
            return secret;
        }

        /** The container's reference to {@code key} of the store Secret, checked to name the rendered Secret. */
        JsonNode secretRef(String key, JsonNode secret) {
            for (JsonNode e : container().path("env")) {
                if (e.path("name").asText().equals(key)) {
                    JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                    assertEquals(secret.path("metadata").path("name").asText(), ref.path("name").asText(),
                            key + " must come from the generated store Secret, by its hashed name");
                    assertEquals(key, ref.path("key").asText(), key + "'s key in the Secret");
                    return ref;
                }
            }
            return fail("the container has no environment variable " + key + " in " + dir);
        }

        String secretValue(JsonNode secret, String key) {
            JsonNode v = secret.path("data").path(key);
            if (v.isTextual()) {
                return new String(Base64.getMimeDecoder().decode(v.asText()), StandardCharsets.UTF_8);
            }
            return secret.path("stringData").path(key).asText(null);
        }

        /** A ConfigMap's entries as the kubelet writes them: data as UTF-8, binaryData decoded. */
        static Map<String, byte[]> content(JsonNode cm) {
            Map<String, byte[]> out = new TreeMap<>();
            cm.path("data").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            cm.path("binaryData").fields().forEachRemaining(e -> out.put(e.getKey(), Base64.getMimeDecoder().decode(e.getValue().asText())));
            return out;
        }

        /**
         * The files the rules volume shows, by path, as the service would read them (hidden names
         * skipped, like RuleFolder does); what cannot work goes to {@code problems}, and the keys
         * that no item puts anywhere to {@code unprojected} (key to ConfigMap name).
         */
        Map<String, byte[]> rulesVolumeFiles(List<String> problems, Map<String, String> unprojected) {
            JsonNode volume = volume(mountAt(env("GPU_RULES_DIR")).path("name").asText());
            Map<String, byte[]> shown = new TreeMap<>();
            for (JsonNode source : volume.path("projected").path("sources")) {
                JsonNode ref = source.path("configMap");
                String name = ref.path("name").asText();
                JsonNode cm = named("ConfigMap", name);
                if (cm == null) {
                    problems.add("the rules volume uses ConfigMap " + name + ", which the rendering does not have");
                    continue;
                }
                Map<String, byte[]> content = content(cm);
                if (!ref.has("items")) {
                    content.forEach((key, value) -> show(shown, key, value, problems));
                    continue;
                }
                Set<String> projected = new HashSet<>();
                for (JsonNode item : ref.path("items")) {
                    String key = item.path("key").asText();
                    String path = item.path("path").asText();
                    projected.add(key);
                    if (content.containsKey(key)) {
                        show(shown, path, content.get(key), problems);
                    } else {
                        problems.add("the items of the rules volume in " + DEPLOYMENT_FILE + " put key " + key + " at " + path
                                + ", but ConfigMap " + name + " has no such key, and pods would not start: add `- " + key
                                + "=" + path + "` to its generator in " + RULES_KUSTOMIZATION + " or remove the item");
                    }
                }
                for (String key : content.keySet()) {
                    if (!projected.contains(key)) {
                        unprojected.put(key, name);
                    }
                }
            }
            shown.keySet().removeIf(path -> Arrays.stream(path.split("/")).anyMatch(RuleFolder::ignored));
            return shown;
        }

        private static void show(Map<String, byte[]> shown, String path, byte[] content, List<String> problems) {
            if (shown.put(path, content) != null) {
                problems.add("two sources of the rules volume put a file at " + path);
            }
        }
    }
}
