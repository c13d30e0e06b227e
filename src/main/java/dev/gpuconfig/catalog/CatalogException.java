package dev.gpuconfig.catalog;

/** A problem in one catalog file, with the file (relative to the rules folder) and the line. */
public class CatalogException extends RuntimeException {
    private final String file;
    private final int line;

    public CatalogException(String file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }
}
