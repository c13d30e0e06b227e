package dev.gpuconfig.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small CSV reader for the catalogs in {@code rules/}: a header row, then data rows; lines
 * starting with {@code #} and blank lines are comments (so each file can cite its sources).
 * Fields may be double-quoted. Every problem names the file and line, because policy authors
 * edit these files in a spreadsheet program and need to find the cell.
 */
public final class CsvTable {

    /** One data row with its 1-based line number in the file. */
    public record Row(String file, int line, Map<String, String> cells) {

        public String text(String column) {
            String v = cells.get(column);
            return v == null ? "" : v.trim();
        }

        public String required(String column) {
            String v = text(column);
            if (v.isEmpty()) {
                throw new CatalogException(file, line, "column '" + column + "' is empty");
            }
            return v;
        }

        public double number(String column) {
            return parseNumber(column, required(column));
        }

        public Double optionalNumber(String column) {
            String v = text(column);
            return v.isEmpty() ? null : parseNumber(column, v);
        }

        public Integer optionalInt(String column) {
            Double d = optionalNumber(column);
            if (d == null) {
                return null;
            }
            if (d != Math.rint(d) || d < 0) {
                throw new CatalogException(file, line, "column '" + column + "': '" + text(column) + "' is not a whole number");
            }
            return d.intValue();
        }

        public boolean bool(String column) {
            String v = required(column).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new CatalogException(file, line, "column '" + column + "': '" + v + "' is not true or false");
            };
        }

        private double parseNumber(String column, String v) {
            try {
                double d = Double.parseDouble(v);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new CatalogException(file, line, "column '" + column + "': '" + v + "' is not a number");
            }
        }
    }

    private CsvTable() {
    }

    /** Parses the text of one file; {@code requiredColumns} must all be in the header. */
    public static List<Row> parse(String file, String text, List<String> requiredColumns) {
        String[] lines = text.split("\r?\n", -1);
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            if (i == 0 && raw.startsWith("\uFEFF")) {
                raw = raw.substring(1);
            }
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.replace(",", "").isBlank()) {
                continue;
            }
            List<String> fields = split(file, i + 1, raw);
            if (header == null) {
                header = fields.stream().map(String::trim).toList();
                for (String col : requiredColumns) {
                    if (!header.contains(col)) {
                        throw new CatalogException(file, i + 1, "header lacks column '" + col + "'");
                    }
                }
                continue;
            }
            if (fields.size() > header.size()) {
                throw new CatalogException(file, i + 1, "row has " + fields.size() + " fields, the header has " + header.size());
            }
            Map<String, String> cells = new HashMap<>();
            for (int c = 0; c < fields.size(); c++) {
                cells.put(header.get(c), fields.get(c));
            }
            rows.add(new Row(file, i + 1, cells));
        }
        if (header == null) {
            throw new CatalogException(file, 1, "no header row");
        }
        return rows;
    }

    /** Splits one CSV line into fields, honouring double quotes. */
    public static List<String> splitLine(String line) {
        return split("", 0, line);
    }

    private static List<String> split(String file, int lineNo, String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new CatalogException(file, lineNo, "a quoted field is not closed");
        }
        out.add(cur.toString());
        return out;
    }
}
