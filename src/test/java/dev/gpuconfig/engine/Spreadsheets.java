package dev.gpuconfig.engine;

import dev.gpuconfig.catalog.CsvTable;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes decision tables as real .xlsx files, the way a spreadsheet program would, for tests that
 * edit or break the shipped spreadsheets. A cell reading {@code <merge>} joins the cell to its left
 * (Drools reads a merged object-type cell as one pattern over several condition columns).
 * Run {@code main(in.csv, out.drl.xlsx)} to turn a CSV draft into a spreadsheet.
 */
public final class Spreadsheets {

    private Spreadsheets() {
    }

    public static void main(String[] args) throws IOException {
        write(readCsv(Files.readString(Path.of(args[0]))), Path.of(args[1]));
    }

    /** Reads all rows of an xlsx's first sheet as text (for tests that change one cell). */
    public static List<List<String>> read(Path xlsx) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(xlsx))) {
            Sheet sheet = wb.getSheetAt(0);
            org.apache.poi.ss.usermodel.DataFormatter fmt = new org.apache.poi.ss.usermodel.DataFormatter();
            for (int r = 0; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                List<String> cells = new ArrayList<>();
                if (row != null) {
                    for (int c = 0; c < row.getLastCellNum(); c++) {
                        Cell cell = row.getCell(c);
                        cells.add(cell == null ? "" : fmt.formatCellValue(cell));
                    }
                }
                rows.add(cells);
            }
            for (CellRangeAddress merged : sheet.getMergedRegions()) {
                for (int c = merged.getFirstColumn() + 1; c <= merged.getLastColumn(); c++) {
                    List<String> row = rows.get(merged.getFirstRow());
                    while (row.size() <= c) {
                        row.add("");
                    }
                    row.set(c, "<merge>");
                }
            }
        }
        return rows;
    }

    public static void write(List<List<String>> rows, Path out) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            Sheet sheet = wb.createSheet("Policy");
            for (int r = 0; r < rows.size(); r++) {
                Row row = sheet.createRow(r);
                List<String> cells = rows.get(r);
                int mergeFrom = -1;
                for (int c = 0; c < cells.size(); c++) {
                    String v = cells.get(c);
                    if (v.equals("<merge>")) {
                        row.createCell(c);
                        if (mergeFrom < 0) {
                            mergeFrom = c - 1;
                        }
                        if (c + 1 == cells.size() || !cells.get(c + 1).equals("<merge>")) {
                            sheet.addMergedRegion(new CellRangeAddress(r, r, mergeFrom, c));
                            mergeFrom = -1;
                        }
                        continue;
                    }
                    if (v.isEmpty()) {
                        continue;
                    }
                    Cell cell = row.createCell(c);
                    if (v.matches("-?\\d+(\\.\\d+)?") && r > 0 && !cells.get(0).equals("RuleSet")) {
                        cell.setCellValue(Double.parseDouble(v));
                    } else {
                        cell.setCellValue(v);
                    }
                }
            }
            for (int c = 0; c < 10; c++) {
                sheet.autoSizeColumn(c);
            }
            try (OutputStream os = Files.newOutputStream(out)) {
                wb.write(os);
            }
        }
    }

    /** CSV text into rows of cells, quotes honoured, nothing skipped. */
    public static List<List<String>> readCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            rows.add(new ArrayList<>(CsvTable.splitLine(line)));
        }
        return rows;
    }
}
