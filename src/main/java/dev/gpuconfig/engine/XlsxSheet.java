package dev.gpuconfig.engine;

import org.drools.template.parser.DataListener;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads the first sheet of an .xlsx workbook and feeds its cells to a Drools sheet listener, the
 * way Drools' own POI-based parser does (same values, same merged-cell starts), with the JDK's zip
 * and StAX readers only. Why: loading Apache POI and its XML schemas costs about a second of the
 * first build in a JVM and tens of MB of metaspace, for a few hundred cells.
 *
 * <p>Values follow Drools' parser: text as written, booleans as true/false, whole numbers without
 * a fraction, other numbers as Java prints a double, formulas by their cached result. Number
 * formats (percent, dates) are not applied; decision tables hold plain values.
 */
final class XlsxSheet {
    private static final long MAX_PART_BYTES = 32L << 20; // a zip bomb stops here, not in the heap
    private static final XMLInputFactory XML = XMLInputFactory.newFactory();

    static {
        XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    /** A cell's column range when it belongs to a merged region. */
    private record Merge(int firstRow, int lastRow, int firstCol, int lastCol) {
        boolean holds(int row, int col) {
            return row >= firstRow && row <= lastRow && col >= firstCol && col <= lastCol;
        }
    }

    private XlsxSheet() {
    }

    /** Pushes the first sheet's rows and cells into {@code listener}; an unreadable workbook throws with the reason. */
    static void parse(byte[] xlsx, DataListener listener) {
        Map<String, byte[]> parts = unzip(xlsx);
        String sheetPath = firstSheetPath(parts);
        List<String> shared = sharedStrings(parts.get("xl/sharedStrings.xml"));
        byte[] sheet = parts.get(sheetPath);
        if (sheet == null) {
            throw new IllegalArgumentException("the workbook names " + sheetPath + " as its first sheet, but it is missing");
        }
        TreeMap<Integer, TreeMap<Integer, String>> rows = new TreeMap<>();
        List<Merge> merges = new ArrayList<>();
        readSheet(sheet, shared, rows, merges);
        int lastRow = rows.isEmpty() ? -1 : rows.lastKey();
        for (int r = 0; r <= lastRow; r++) {
            TreeMap<Integer, String> cells = rows.getOrDefault(r, new TreeMap<>());
            listener.newRow(r, cells.isEmpty() ? 0 : cells.lastKey() + 1);
            for (Map.Entry<Integer, String> c : cells.entrySet()) {
                int col = c.getKey();
                String value = c.getValue();
                int mergedColStart = DataListener.NON_MERGED;
                for (Merge m : merges) {
                    if (m.holds(r, col)) {
                        TreeMap<Integer, String> top = rows.get(m.firstRow());
                        value = top == null ? null : top.get(m.firstCol());
                        mergedColStart = m.firstCol();
                        break;
                    }
                }
                if (value != null) { // Drools skips a merge whose top-left cell does not exist
                    listener.newCell(r, col, value, mergedColStart);
                }
            }
        }
        listener.finishSheet();
    }

    private static Map<String, byte[]> unzip(byte[] xlsx) {
        Map<String, byte[]> parts = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(xlsx))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (name.equals("xl/workbook.xml") || name.equals("xl/_rels/workbook.xml.rels")
                        || name.equals("xl/sharedStrings.xml") || name.startsWith("xl/worksheets/")) {
                    parts.put(name, readBounded(zip, name));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a readable .xlsx workbook (" + e.getMessage() + ")", e);
        }
        if (!parts.containsKey("xl/workbook.xml")) {
            throw new IllegalArgumentException("not an .xlsx workbook: no xl/workbook.xml inside (half saved, or another format?)");
        }
        return parts;
    }

    private static byte[] readBounded(InputStream in, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            if (out.size() > MAX_PART_BYTES) {
                throw new IOException(name + " unpacks to more than " + (MAX_PART_BYTES >> 20) + " MB");
            }
        }
        return out.toByteArray();
    }

    private static String firstSheetPath(Map<String, byte[]> parts) {
        String relId = null;
        XMLStreamReader x = open(parts.get("xl/workbook.xml"));
        try {
            while (relId == null && x.hasNext()) {
                if (x.next() == XMLStreamConstants.START_ELEMENT && x.getLocalName().equals("sheet")) {
                    relId = attr(x, "id");
                }
            }
            if (relId == null) {
                throw new IllegalArgumentException("the workbook has no sheet");
            }
            x = open(parts.get("xl/_rels/workbook.xml.rels"));
            while (x.hasNext()) {
                if (x.next() == XMLStreamConstants.START_ELEMENT && relId.equals(x.getAttributeValue(null, "Id"))) {
                    String target = x.getAttributeValue(null, "Target");
                    return target.startsWith("/") ? target.substring(1) : "xl/" + target;
                }
            }
        } catch (XMLStreamException e) {
            throw unreadable(e);
        }
        throw new IllegalArgumentException("the workbook's first sheet (" + relId + ") has no part");
    }

    private static List<String> sharedStrings(byte[] part) {
        List<String> strings = new ArrayList<>();
        if (part == null) {
            return strings;
        }
        XMLStreamReader x = open(part);
        try {
            StringBuilder text = null;
            int phonetic = 0; // <rPh> runs are reading aids, not the cell's text
            while (x.hasNext()) {
                int ev = x.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    switch (x.getLocalName()) {
                        case "si" -> text = new StringBuilder();
                        case "rPh" -> phonetic++;
                        case "t" -> {
                            String t = x.getElementText();
                            if (text != null && phonetic == 0) {
                                text.append(t);
                            }
                        }
                        default -> { }
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    if (x.getLocalName().equals("si")) {
                        strings.add(text.toString());
                        text = null;
                    } else if (x.getLocalName().equals("rPh")) {
                        phonetic--;
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw unreadable(e);
        }
        return strings;
    }

    private static void readSheet(byte[] part, List<String> shared, TreeMap<Integer, TreeMap<Integer, String>> rows,
                                  List<Merge> merges) {
        XMLStreamReader x = open(part);
        try {
            int row = -1;
            int col = -1;
            String type = null;
            String value = null;
            while (x.hasNext()) {
                int ev = x.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    switch (x.getLocalName()) {
                        case "row" -> {
                            String r = attr(x, "r");
                            row = r == null ? row + 1 : Integer.parseInt(r) - 1;
                            col = -1;
                        }
                        case "c" -> {
                            String ref = attr(x, "r");
                            col = ref == null ? col + 1 : column(ref);
                            type = attr(x, "t");
                            value = null;
                        }
                        case "v" -> value = x.getElementText();
                        case "t" -> value = (value == null ? "" : value) + x.getElementText(); // inline string
                        case "mergeCell" -> merges.add(range(attr(x, "ref")));
                        default -> { }
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT && x.getLocalName().equals("c")) {
                    rows.computeIfAbsent(row, k -> new TreeMap<>()).put(col, text(type, value, shared));
                }
            }
        } catch (XMLStreamException e) {
            throw unreadable(e);
        }
    }

    /** A cell's value as Drools' parser renders it. */
    private static String text(String type, String v, List<String> shared) {
        if (v == null) {
            return ""; // a styled empty cell: Drools sees an empty string
        }
        if (type == null || type.equals("n")) {
            double num = Double.parseDouble(v);
            if (num != Math.rint(num) || Math.abs(num) >= 1e15) {
                return String.valueOf(num);
            }
            return Long.toString((long) num);
        }
        return switch (type) {
            case "s" -> shared.get(Integer.parseInt(v.strip()));
            case "b" -> "1".equals(v.strip()) ? "true" : "false";
            default -> v; // str (a formula's text), inlineStr, e (an error such as #REF!)
        };
    }

    private static Merge range(String ref) {
        String[] ends = ref.split(":");
        String last = ends.length > 1 ? ends[1] : ends[0];
        return new Merge(row(ends[0]), row(last), column(ends[0]), column(last));
    }

    private static int column(String ref) {
        int col = 0;
        for (int i = 0; i < ref.length() && Character.isLetter(ref.charAt(i)); i++) {
            col = col * 26 + (Character.toUpperCase(ref.charAt(i)) - 'A' + 1);
        }
        return col - 1;
    }

    private static int row(String ref) {
        int i = 0;
        while (i < ref.length() && Character.isLetter(ref.charAt(i))) {
            i++;
        }
        return Integer.parseInt(ref.substring(i)) - 1;
    }

    private static String attr(XMLStreamReader x, String local) {
        for (int i = 0; i < x.getAttributeCount(); i++) {
            if (x.getAttributeLocalName(i).equals(local)) {
                return x.getAttributeValue(i);
            }
        }
        return null;
    }

    private static XMLStreamReader open(byte[] part) {
        if (part == null) {
            throw new IllegalArgumentException("a part of the workbook is missing (half saved?)");
        }
        try {
            return XML.createXMLStreamReader(new ByteArrayInputStream(part));
        } catch (XMLStreamException e) {
            throw unreadable(e);
        }
    }

    private static IllegalArgumentException unreadable(XMLStreamException e) {
        return new IllegalArgumentException("the workbook's XML is broken: " + e.getMessage(), e);
    }
}
