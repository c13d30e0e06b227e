package dev.gpuconfig.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A model id for every row of a rules folder's model catalog, for tests that sweep the catalog. */
final class CatalogIds {

    private CatalogIds() {
    }

    /** "some-org/" and the row's key (its first column), in the catalog's order. */
    static List<String> of(Path rules) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(rules.resolve("catalog/models.csv"))) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("key,")) {
                continue;
            }
            ids.add("some-org/" + line.substring(0, line.indexOf(',')));
        }
        return ids;
    }
}
