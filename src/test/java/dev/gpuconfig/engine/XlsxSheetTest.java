package dev.gpuconfig.engine;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFRichTextString;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.drools.decisiontable.InputType;
import org.drools.decisiontable.SpreadsheetCompiler;
import org.drools.decisiontable.parser.DefaultRuleSheetListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's own xlsx reader must give Drools exactly what Drools' POI-based parser gives it. */
class XlsxSheetTest {

    @Test
    void shippedSpreadsheetsGiveTheSameDrlAsDroolsOwnParser() throws IOException {
        for (String file : new String[] {"size-bands.drl.xlsx", "gpu-selection.drl.xlsx"}) {
            byte[] bytes = Files.readAllBytes(Path.of("rules", file));
            assertEquals(viaPoi(bytes), viaReader(bytes), file);
        }
    }

    @Test
    void numbersBooleansFormulasRichTextAndMergesReadAsDroolsReadsThem() throws IOException {
        byte[] bytes;
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            Sheet sheet = wb.createSheet("Policy");
            wb.createSheet("Notes").createRow(0).createCell(0).setCellValue("not read: only the first sheet is");
            String[][] head = {
                {"RuleSet", "dev.gpuconfig.policy"},
                {"Import", "dev.gpuconfig.profile.ModelProfile, dev.gpuconfig.policy.Decision"},
                {},
                {"RuleTable t"},
                {"CONDITION", "CONDITION", "CONDITION", "ACTION"},
                {"$p : ModelProfile", "", "", ""},
                {"paramsBillions > $param", "moe == $param", "name == \"$param\"", "$p.setNote(\"$param\");"},
                {"from", "moe", "name", "note"},
            };
            for (int r = 0; r < head.length; r++) {
                Row row = sheet.createRow(r);
                for (int c = 0; c < head[r].length; c++) {
                    row.createCell(c).setCellValue(head[r][c]);
                }
            }
            sheet.addMergedRegion(new CellRangeAddress(5, 5, 0, 2)); // one pattern over three conditions
            Row a = sheet.createRow(8);
            a.createCell(0).setCellValue(70);
            a.createCell(1).setCellValue(true);
            a.createCell(2).setCellValue(new XSSFRichTextString("Llama 3.1"));
            a.createCell(3).setCellValue("big, 0.92");
            Row b = sheet.createRow(9);
            b.createCell(0).setCellValue(0.5);
            b.createCell(1).setCellValue(false);
            b.createCell(2).setCellFormula("\"Qwen\"&\"3\"");
            b.createCell(3).setCellFormula("1.5*2");
            Row c = sheet.createRow(11); // a gap row, then a styled empty cell
            c.createCell(0);
            c.createCell(3).setCellValue(-12.25);
            wb.getCreationHelper().createFormulaEvaluator().evaluateAll();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            bytes = out.toByteArray();
        }
        String drl = viaReader(bytes);
        assertEquals(viaPoi(bytes), drl);
        assertTrue(drl.contains("paramsBillions > 70"), drl);
        assertTrue(drl.contains("name == \"Qwen3\""), drl);
        assertTrue(drl.contains("setNote(\"3\")") || drl.contains("setNote(\"3.0\")"), drl);
    }

    @Test
    void halfSavedOrForeignFilesAreRefusedWithAReason() throws IOException {
        byte[] real = Files.readAllBytes(Path.of("rules", "size-bands.drl.xlsx"));
        for (byte[] bad : new byte[][] {"PK\u0003\u0004 half saved".getBytes(), Arrays.copyOf(real, real.length / 2),
                "RuleSet,x".getBytes()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> XlsxSheet.parse(bad, new DefaultRuleSheetListener(true, true)));
            assertTrue(e.getMessage().contains("xlsx") || e.getMessage().contains("workbook"), e.getMessage());
        }
    }

    private static String viaPoi(byte[] bytes) {
        return new SpreadsheetCompiler().compile(new ByteArrayInputStream(bytes), InputType.XLS);
    }

    private static String viaReader(byte[] bytes) {
        DefaultRuleSheetListener listener = new DefaultRuleSheetListener(true, true);
        XlsxSheet.parse(bytes, listener);
        return new SpreadsheetCompiler().listenerToString(listener);
    }
}
