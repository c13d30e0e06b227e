package dev.gpuconfig.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GPU types in force, read from {@code rules/catalog/gpus.csv}. Rules call
 * {@link #candidates(String)} to turn a selection-table cell into configurations; the parsed
 * lists are memoized so a decision does no string parsing after the first use of a cell.
 */
public final class GpuCatalog {
    public static final String FILE = "catalog/gpus.csv";
    private static final List<String> COLUMNS = List.of("name", "memoryGiB", "computeCapability", "bf16", "fp8",
            "pricePerHour", "modalFunction", "maxPerContainer");

    private final Map<String, GpuSpec> byUpperName;
    private final List<GpuSpec> all;
    private final Map<String, List<Candidate>> parsed = new ConcurrentHashMap<>();

    public GpuCatalog(List<GpuSpec> gpus) {
        Map<String, GpuSpec> map = new LinkedHashMap<>();
        for (GpuSpec g : gpus) {
            map.put(g.getName().toUpperCase(Locale.ROOT), g);
        }
        this.byUpperName = map;
        this.all = List.copyOf(gpus);
    }

    public static GpuCatalog parse(String text) {
        List<GpuSpec> gpus = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (CsvTable.Row r : CsvTable.parse(FILE, text, COLUMNS)) {
            String name = r.required("name");
            if (!name.matches("[A-Za-z0-9-]+")) {
                throw new CatalogException(FILE, r.line(), "GPU name '" + name + "' may hold only letters, digits and '-'");
            }
            Integer before = seen.put(name.toUpperCase(Locale.ROOT), r.line());
            if (before != null) {
                throw new CatalogException(FILE, r.line(), "GPU '" + name + "' is listed twice (also line " + before + ")");
            }
            double mem = r.number("memoryGiB");
            double cc = r.number("computeCapability");
            double price = r.number("pricePerHour");
            Integer max = r.optionalInt("maxPerContainer");
            if (mem <= 0 || cc <= 0 || price < 0 || max == null || max < 1) {
                throw new CatalogException(FILE, r.line(), "memoryGiB, computeCapability and maxPerContainer must be positive, price not negative");
            }
            gpus.add(new GpuSpec(name, mem, cc, r.bool("bf16"), r.bool("fp8"), price, r.required("modalFunction"), max));
        }
        if (gpus.isEmpty()) {
            throw new CatalogException(FILE, 1, "no GPU rows");
        }
        return new GpuCatalog(gpus);
    }

    public List<GpuSpec> all() {
        return all;
    }

    public Optional<GpuSpec> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byUpperName.get(name.trim().toUpperCase(Locale.ROOT)));
    }

    /** Every count of one GPU type up to the most per container (1, 2, 4, 8): the candidates of a pinned request. */
    public List<Candidate> pinned(String name) {
        GpuSpec gpu = find(name).orElseThrow(() -> new IllegalArgumentException("unknown GPU '" + name + "'"));
        List<Candidate> out = new ArrayList<>();
        for (int n = 1; n <= gpu.getMaxPerContainer(); n *= 2) {
            out.add(new Candidate(gpu, n));
        }
        return out;
    }

    /** Every GPU type at 1, 2, 4 and 8, cheapest first: the candidates when the selection table has no row. */
    public List<Candidate> everyConfiguration() {
        List<Candidate> out = new ArrayList<>();
        for (int n = 1; n <= 8; n *= 2) {
            for (GpuSpec g : all) {
                if (n <= g.getMaxPerContainer()) {
                    out.add(new Candidate(g, n));
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(Candidate::count).thenComparingDouble(Candidate::pricePerHour));
        return out;
    }

    /**
     * Parses a selection cell such as {@code "L4, A10G, L40S:2"} into configurations, in order.
     * An unknown GPU name or a bad count is an error of the rule set, reported when it is tested.
     */
    public List<Candidate> candidates(String cell) {
        return parsed.computeIfAbsent(cell, this::parseCell);
    }

    private List<Candidate> parseCell(String cell) {
        List<Candidate> out = new ArrayList<>();
        for (String part : cell.split("[,;]")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String[] nameCount = p.split(":");
            GpuSpec gpu = find(nameCount[0]).orElseThrow(() -> new IllegalArgumentException(
                    "unknown GPU '" + nameCount[0].trim() + "' in candidate list '" + cell + "'"));
            int count = 1;
            if (nameCount.length == 2) {
                try {
                    count = Integer.parseInt(nameCount[1].trim());
                } catch (NumberFormatException e) {
                    count = -1;
                }
            }
            if (nameCount.length > 2 || count < 1) {
                throw new IllegalArgumentException("bad GPU count in '" + p + "' (write NAME or NAME:COUNT)");
            }
            out.add(new Candidate(gpu, count));
        }
        return Collections.unmodifiableList(out);
    }
}
