package dev.gpuconfig.engine;

import org.drools.decisiontable.InputType;
import org.drools.decisiontable.SpreadsheetCompiler;
import org.drools.decisiontable.parser.DefaultRuleSheetListener;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns spreadsheet decision tables into DRL once per content: an unchanged sheet is not parsed
 * again on the next reload, and a compile error in the generated DRL is traced back to the sheet's
 * row (the compiler marks each rule with the cell its values come from).
 */
final class DecisionTables {
    private static final Pattern ROW_MARK = Pattern.compile("// rule values at ([A-Z]+)(\\d+)");
    private static final int CACHE_SIZE = 64;
    private static final Map<String, String> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private DecisionTables() {
    }

    /** The DRL of a table, or an exception whose message says why the sheet cannot be read. */
    static String toDrl(String file, byte[] bytes) {
        String key = file + "@" + sha256(bytes);
        synchronized (CACHE) {
            String hit = CACHE.get(key);
            if (hit != null) {
                return hit;
            }
        }
        String drl = compile(file, bytes);
        synchronized (CACHE) {
            CACHE.put(key, drl);
        }
        return drl;
    }

    private static String compile(String file, byte[] bytes) {
        SpreadsheetCompiler compiler = new SpreadsheetCompiler();
        if (file.endsWith(".xlsx")) {
            // Same listener and DRL writer as Drools' own xlsx path, without loading Apache POI.
            DefaultRuleSheetListener listener = new DefaultRuleSheetListener(true, true);
            XlsxSheet.parse(bytes, listener);
            return compiler.listenerToString(listener);
        }
        InputType type = file.endsWith(".csv") ? InputType.CSV : InputType.XLS;
        return compiler.compile(new ByteArrayInputStream(bytes), type);
    }

    /** The spreadsheet row whose rule holds the given line of the generated DRL, or 0. */
    static int sheetRow(String drl, int drlLine) {
        String[] lines = drl.split("\n", -1);
        for (int i = Math.min(drlLine, lines.length) - 1; i >= 0; i--) {
            Matcher m = ROW_MARK.matcher(lines[i]);
            if (m.find()) {
                return Integer.parseInt(m.group(2));
            }
        }
        return 0;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
